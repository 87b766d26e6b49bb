package dev.vortex.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a configuration reload changes, setting by setting, and which of those changes only a
 * restart can apply (a bound port, the data directory). Settings are compared generically over
 * {@link VortexConfig}'s record components, so a setting added later is never silently skipped:
 * one not named in {@link #LIVE} counts as needing a restart until a component applies it live.
 *
 * @param changed      every changed setting, by its configuration key ({@code repos} for the list)
 * @param needRestart  the changed settings a reload does not apply (logged, kept at their running values)
 * @param reposAdded   repositories in the new configuration only
 * @param reposRemoved repositories in the running configuration only
 * @param reposChanged repositories in both whose settings differ
 */
public record ConfigDiff(List<String> changed, List<String> needRestart, List<String> reposAdded,
                         List<String> reposRemoved, List<String> reposChanged) {
    /** The settings a reload applies; every other key needs a restart. */
    static final Set<String> LIVE = Set.of(
            "ws.max-sessions", "ws.ping", "ws.pong-timeout", "ws.queue-messages", "ws.queue-bytes", "ws.max-rate",
            "ws.max-subscriptions", "ws.compression", "sync.interval", "sync.debounce", "sync.jitter", "sync.fetch-timeout",
            "sync.backoff.initial", "sync.backoff.max", "sync.full-reload", "sync.max-concurrent",
            "throttle.per-domain-concurrency", "throttle.per-domain-per-minute", "auth.tokens-file", "auth.principals-file",
            "auth.open-paths", "encrypt.key", "encrypt.salt", "encrypt.key-store.location", "encrypt.key-store.password", "encrypt.key-store.alias",
            "encrypt.key-store.secret", "encrypt.key-store.digest", "encrypt.key-store.type", "encrypt.rsa.algorithm", "encrypt.rsa.salt", "encrypt.rsa.strong", "tls.cert-file", "tls.key-file", "tls.client-ca-file",
            "auth.webhook-secret-file", "render.cache-size", "log.level", "repos", "overrides",
            // the proxy in use is part of every repository's settings, which a reload applies
            "proxy.url", "proxy.credentials-file", "proxy.no-proxy",
            // the peers and the secret are re-read by the cluster component; its name needs a restart
            "cluster.peers", "cluster.peers-dns", "auth.cluster-secret-file", "cluster.resync-wait");
    /** Record component paths whose configuration key is not the kebab-case of the path. */
    private static final Map<String, String> KEYS = Map.of(
            "sync.backoffInitial", "sync.backoff.initial",
            "sync.backoffMax", "sync.backoff.max",
            "render.cacheBytes", "render.cache-size",
            "logLevel", "log.level",
            "encrypt.keyStore.algorithm", "encrypt.rsa.algorithm",
            "encrypt.keyStore.salt", "encrypt.rsa.salt",
            "encrypt.keyStore.strong", "encrypt.rsa.strong",
            "demo", "repos",
            "cluster.peersDnsPort", "cluster.peers-dns",
            "cluster.secretFile", "auth.cluster-secret-file");

    public ConfigDiff {
        changed = List.copyOf(changed);
        needRestart = List.copyOf(needRestart);
        reposAdded = List.copyOf(reposAdded);
        reposRemoved = List.copyOf(reposRemoved);
        reposChanged = List.copyOf(reposChanged);
    }

    public static ConfigDiff between(VortexConfig running, VortexConfig next) {
        List<String> changed = new ArrayList<>();
        compare("", running, next, changed);
        Map<String, RepoConfig> before = byName(running.repos());
        Map<String, RepoConfig> after = byName(next.repos());
        List<String> added = after.keySet().stream().filter(n -> !before.containsKey(n)).toList();
        List<String> removed = before.keySet().stream().filter(n -> !after.containsKey(n)).toList();
        List<String> modified = after.keySet().stream()
                .filter(n -> before.containsKey(n) && !before.get(n).equals(after.get(n))).toList();
        List<String> restart = changed.stream().filter(k -> !LIVE.contains(k)).toList();
        return new ConfigDiff(changed.stream().distinct().toList(), restart, added, removed, modified);
    }

    public boolean isEmpty() {
        return changed.isEmpty();
    }

    /** True when any of {@code keys} changed; a key ending in {@code .} matches every key under it. */
    public boolean touches(String... keys) {
        for (String k : keys) {
            if (changed.stream().anyMatch(c -> k.endsWith(".") ? c.startsWith(k) : c.equals(k))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a reload applies: {@code next}, with the settings that need a restart kept at their
     * {@code running} values, so every component sees one consistent configuration.
     */
    public static VortexConfig applicable(VortexConfig running, VortexConfig next) {
        VortexConfig.Ws ws = new VortexConfig.Ws(running.ws().bind(), running.ws().port(), next.ws().maxSessions(),
                next.ws().ping(), next.ws().pongTimeout(), next.ws().queueMessages(), next.ws().queueBytes(),
                running.ws().maxMessage(), next.ws().maxRate(), next.ws().maxSubscriptions(), next.ws().compression());
        // auth.max-failures sizes the failed-attempt limiter made at start: kept until a restart
        VortexConfig.Auth auth = new VortexConfig.Auth(next.auth().tokensFile(), next.auth().webhookSecretFile(),
                next.auth().principalsFile(), next.auth().openPaths(), running.auth().maxFailures());
        return new VortexConfig(running.http(), ws, running.dataDir(), next.sync(), next.throttle(), auth, next.render(),
                next.encrypt(), next.tls(), next.logLevel(), next.repos(), next.demo(), next.overrides(), next.proxy(),
                new VortexConfig.Cluster(next.cluster().peers(), next.cluster().peersDns(), next.cluster().peersDnsPort(),
                        next.cluster().secretFile(), running.cluster().replicaId(), next.cluster().resyncWait()));
    }

    private static void compare(String path, Object a, Object b, List<String> out) {
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            String name = path.isEmpty() ? c.getName() : path + "." + c.getName();
            Object x = read(c, a);
            Object y = read(c, b);
            if (Objects.equals(x, y)) {
                continue;
            }
            if (x != null && x.getClass().isRecord() && y != null) {
                compare(name, x, y, out);
            } else {
                out.add(key(name));
            }
        }
    }

    private static Object read(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }

    /** {@code ws.maxSessions} → {@code ws.max-sessions}. */
    static String key(String componentPath) {
        String k = KEYS.get(componentPath);
        return k != null ? k : componentPath.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Map<String, RepoConfig> byName(List<RepoConfig> repos) {
        Map<String, RepoConfig> m = new LinkedHashMap<>();
        repos.forEach(r -> m.put(r.name(), r));
        return m;
    }
}
