package dev.vortex.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration's schema as flat dotted keys: every scalar key with its default, the keys of a
 * repository, their environment variable names, and "did you mean" for a key that is none of them.
 */
final class ConfigKeys {
    /** Every scalar key with its default, in the order of the reference documentation. */
    static final Map<String, String> DEFAULTS = defaults();
    static final List<String> REPO_KEYS = Stream.concat(
            Stream.of("name", "urls", "apps", "default-label", "labels", "search-paths", "credentials-file",
                    "max-repos", "negative-cache", "first-sync-wait"),
            RemoteAccessBinder.REPO_KEYS.stream()).toList();
    /** A repository's key: {@code repos.<index>.<key>}. */
    static final Pattern REPO_KEY = Pattern.compile("repos\\.(\\d{1,3})\\.([a-z.-]+)");

    private ConfigKeys() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("http.bind", "127.0.0.1");
        d.put("http.port", "8888");
        d.put("ws.bind", "127.0.0.1");
        d.put("ws.port", "8889");
        d.put("ws.max-sessions", "20000");
        d.put("ws.ping", "30s");
        d.put("ws.pong-timeout", "10s");
        d.put("ws.queue-messages", "256");
        d.put("ws.queue-bytes", "4MiB");
        d.put("ws.max-message", "64KiB");
        d.put("ws.max-rate", "100");
        d.put("ws.max-subscriptions", "1000");
        d.put("ws.compression", "true");
        d.put("data-dir", "./data");
        d.put("sync.interval", "30s");
        d.put("sync.debounce", "500ms");
        d.put("sync.jitter", "10%");
        d.put("sync.fetch-timeout", "60s");
        d.put("sync.backoff.initial", "20s");
        d.put("sync.backoff.max", "2m");
        d.put("sync.full-reload", "6h");
        d.put("sync.max-concurrent", "16");
        d.put("throttle.per-domain-concurrency", "5");
        d.put("throttle.per-domain-per-minute", "30");
        d.put("auth.tokens-file", "");
        d.put("auth.webhook-secret-file", "");
        d.put("auth.principals-file", "");
        d.put("auth.open-paths", "");
        d.put("auth.max-failures", "10");
        d.put("encrypt.key", "");
        d.put("encrypt.key-file", "");
        d.put("encrypt.salt", "deadbeef");
        d.put("encrypt.key-store.location", "");
        d.put("encrypt.key-store.password", "");
        d.put("encrypt.key-store.alias", "");
        d.put("encrypt.key-store.secret", "");
        d.put("encrypt.key-store.type", "jks");
        d.put("encrypt.rsa.algorithm", "DEFAULT");
        d.put("encrypt.rsa.salt", "deadbeef");
        d.put("encrypt.rsa.strong", "false");
        d.put("tls.cert-file", "");
        d.put("tls.key-file", "");
        d.put("tls.client-ca-file", "");
        d.put("render.cache-size", "64MiB");
        d.put("log.level", "info");
        d.put("proxy.url", "");
        d.put("proxy.credentials-file", "");
        d.put("proxy.no-proxy", "");
        d.put("cluster.peers", "");
        d.put("cluster.peers-dns", "");
        d.put("auth.cluster-secret-file", "");
        d.put("cluster.replica-id", "");
        d.put("cluster.resync-wait", "5s");
        return d;
    }

    /** The environment variable name of a key: {@code sync.backoff.initial} → {@code VORTEX_SYNC_BACKOFF_INITIAL}. */
    static String envName(String key) {
        return "VORTEX_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** " (did you mean …?)" naming the known key nearest to {@code key}; empty when none is near. */
    static String suggestion(String key, Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(k -> distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT))))
                .filter(k -> distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= Math.max(2, key.length() / 3))
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
