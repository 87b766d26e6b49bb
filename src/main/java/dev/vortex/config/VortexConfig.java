package dev.vortex.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration, immutable. Built only by {@link ConfigLoader}, so every
 * value here has already been checked.
 *
 * @param demo      true when no repository was configured and the demo repository is served
 * @param overrides {@code overrides}: property → value served to every client first (see {@link Overrides})
 * @param proxy     {@code proxy.*} as configured; the proxy in use (these, else the environment's) is in every repository's {@link RemoteAccess}
 */
public record VortexConfig(
        Http http,
        Ws ws,
        Path dataDir,
        Sync sync,
        Throttle throttle,
        Auth auth,
        Render render,
        Encrypt encrypt,
        Tls tls,
        String logLevel,
        List<RepoConfig> repos,
        boolean demo,
        Map<String, String> overrides,
        ProxySettings proxy) {

    public VortexConfig {
        repos = List.copyOf(repos);
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** The same configuration serving other repositories (used to add the demo repository). */
    public VortexConfig withRepos(List<RepoConfig> newRepos, boolean isDemo) {
        return new VortexConfig(http, ws, dataDir, sync, throttle, auth, render, encrypt, tls, logLevel, newRepos, isDemo, overrides, proxy);
    }

    public Optional<RepoConfig> repo(String name) {
        return repos.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** {@code http.*}: the REST server. Port 0 picks a free port. */
    public record Http(String bind, int port) {
    }

    /**
     * {@code ws.*}: the WebSocket server and its per-session limits. {@code compression}: whether
     * permessage-deflate is offered to clients that ask for it.
     */
    public record Ws(String bind, int port, int maxSessions, Duration ping, Duration pongTimeout,
                     int queueMessages, long queueBytes, long maxMessage, int maxRate, int maxSubscriptions, boolean compression) {
        /** With compression on (the default). */
        public Ws(String bind, int port, int maxSessions, Duration ping, Duration pongTimeout,
                  int queueMessages, long queueBytes, long maxMessage, int maxRate, int maxSubscriptions) {
            this(bind, port, maxSessions, ping, pongTimeout, queueMessages, queueBytes, maxMessage, maxRate, maxSubscriptions, true);
        }
    }

    /** {@code sync.*}: schedule, backoff and fetch limits. A zero {@code fullReload} disables it. */
    public record Sync(Duration interval, Duration debounce, double jitter, Duration fetchTimeout,
                       Duration backoffInitial, Duration backoffMax, Duration fullReload, int maxConcurrent) {
    }

    /** {@code throttle.*}: what one git host is asked at most. */
    public record Throttle(int perDomainConcurrency, int perDomainPerMinute) {
    }

    /**
     * {@code auth.*}: empty paths mean no authentication. {@code openPaths}: which of
     * {@link #OPENABLE} stay open when a principals file is configured. {@code maxFailures}: wrong
     * credentials per address and minute before it is refused (429) for a minute.
     */
    public record Auth(Optional<Path> tokensFile, Optional<Path> webhookSecretFile, Optional<Path> principalsFile,
                       List<String> openPaths, int maxFailures) {
        public static final List<String> OPENABLE = List.of("/metrics", "/");

        public Auth {
            openPaths = List.copyOf(openPaths);
        }
    }

    /**
     * {@code encrypt.*}: the symmetric key of {@code {cipher}} values (from {@code encrypt.key} or
     * {@code encrypt.key-file}) and its hex salt. {@link #toString()} never shows the key.
     */
    public record Encrypt(Optional<String> key, String salt) {
        @Override
        public String toString() {
            return "Encrypt[key=" + (key.isPresent() ? "(set)" : "(none)") + ", salt=" + salt + "]";
        }
    }

    /** {@code tls.*}: PEM certificate chain and private key; both set turns on HTTPS and WSS. */
    public record Tls(Optional<Path> certFile, Optional<Path> keyFile) {
    }

    /** {@code proxy.*}: an empty URL leaves the choice to {@code https_proxy}/{@code http_proxy}. */
    public record ProxySettings(String url, Optional<Path> credentialsFile, List<String> noProxy) {
        public ProxySettings {
            noProxy = List.copyOf(noProxy);
        }
    }

    /** {@code render.*}: the rendered-response byte cache bound. */
    public record Render(long cacheBytes) {
    }
}
