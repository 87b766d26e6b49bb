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
        ProxySettings proxy,
        Cluster cluster) {

    public VortexConfig {
        repos = List.copyOf(repos);
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** The same configuration serving other repositories (used to add the demo repository). */
    public VortexConfig withRepos(List<RepoConfig> newRepos, boolean isDemo) {
        return new VortexConfig(http, ws, dataDir, sync, throttle, auth, render, encrypt, tls, logLevel, newRepos, isDemo, overrides, proxy,
                cluster);
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
     * {@code encrypt.key-file}) and its hex salt, or an RSA key store ({@code encrypt.key-store.*},
     * {@code encrypt.rsa.*}). {@link #toString()} never shows the key or a password.
     */
    public record Encrypt(Optional<String> key, String salt, KeyStore keyStore) {
        public Encrypt(Optional<String> key, String salt) {
            this(key, salt, KeyStore.NONE);
        }

        @Override
        public String toString() {
            return "Encrypt[key=" + (key.isPresent() ? "(set)" : "(none)") + ", salt=" + salt + ", keyStore=" + keyStore + "]";
        }
    }

    /**
     * Spring Cloud Config's RSA key store, in use when {@code encrypt.key-store.location} is set
     * (PKCS#12 or JKS): {@code password}, the default {@code alias}, {@code secret} (the keys'
     * password; empty: the store's) and {@code type}; {@code encrypt.rsa.algorithm} ({@code DEFAULT}
     * or {@code OAEP}), {@code salt} and {@code strong} (AES/GCM instead of CBC). {@code digest}: the
     * SHA-256 (hex) of the file as loaded, empty without one, so a reload compares the store's content,
     * not only its name. {@link #toString()} hides the passwords.
     */
    public record KeyStore(Optional<Path> location, String password, String alias, String secret, String type, String algorithm,
                           String salt, boolean strong, String digest) {
        public static final KeyStore NONE = new KeyStore(Optional.empty(), "", "", "", "jks", "DEFAULT", "deadbeef", false);

        /** A store whose content is not compared (made in code, not loaded). */
        public KeyStore(Optional<Path> location, String password, String alias, String secret, String type, String algorithm,
                        String salt, boolean strong) {
            this(location, password, alias, secret, type, algorithm, salt, strong, "");
        }

        @Override
        public String toString() {
            return "KeyStore[location=" + location + ", alias=" + alias + ", type=" + type + ", algorithm=" + algorithm
                    + ", salt=" + salt + ", strong=" + strong + "]";
        }
    }

    /**
     * {@code tls.*}: PEM certificate chain and private key; both set turns on HTTPS and WSS.
     * {@code clientCaFile}: PEM CA certificates that client certificates are verified against.
     */
    public record Tls(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> clientCaFile) {
        public Tls(Optional<Path> certFile, Optional<Path> keyFile) {
            this(certFile, keyFile, Optional.empty());
        }
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

    /**
     * {@code cluster.*} and {@code auth.cluster-secret-file}: the other replicas of this service.
     *
     * @param peers       {@code cluster.peers}: base URLs ({@code http://host:port}) of the other replicas
     * @param peersDns    {@code cluster.peers-dns}: a name whose A/AAAA records are the replicas ("" for none)
     * @param peersDnsPort the HTTP port of the replicas found by {@code peersDns}; 0: this replica's own, as bound
     * @param secretFile  the shared secret peer notices are signed with (required with peers)
     * @param replicaId   this replica's name in notices, status and WebSocket messages; "": host name and HTTP port
     * @param resyncWait  how long a resync from a commit not served here yet may wait for it to be fetched
     */
    public record Cluster(List<java.net.URI> peers, String peersDns, int peersDnsPort, Optional<Path> secretFile,
                          String replicaId, Duration resyncWait) {
        public Cluster {
            peers = List.copyOf(peers);
        }

        /** True when this replica has peers to tell about pushes. */
        public boolean enabled() {
            return !peers.isEmpty() || !peersDns.isEmpty();
        }
    }
}
