package dev.vortex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    /** For every scalar key: a valid non-default value and how to read it back. */
    private Map<String, Map.Entry<String, Function<VortexConfig, Object>>> samples() throws IOException {
        Path tokens = Files.writeString(tmp.resolve("tokens"), "t1\n");
        Path secret = Files.writeString(tmp.resolve("secret"), "s\n");
        Map<String, Map.Entry<String, Function<VortexConfig, Object>>> m = new LinkedHashMap<>();
        m.put("http.bind", Map.entry("0.0.0.0", c -> c.http().bind()));
        m.put("http.port", Map.entry("9001", c -> c.http().port()));
        m.put("ws.bind", Map.entry("::1", c -> c.ws().bind()));
        m.put("ws.port", Map.entry("9002", c -> c.ws().port()));
        m.put("ws.max-sessions", Map.entry("7", c -> c.ws().maxSessions()));
        m.put("ws.ping", Map.entry("2m", c -> c.ws().ping()));
        m.put("ws.pong-timeout", Map.entry("3s", c -> c.ws().pongTimeout()));
        m.put("ws.queue-messages", Map.entry("9", c -> c.ws().queueMessages()));
        m.put("ws.queue-bytes", Map.entry("1MiB", c -> c.ws().queueBytes()));
        m.put("ws.max-message", Map.entry("2KiB", c -> c.ws().maxMessage()));
        m.put("ws.max-rate", Map.entry("11", c -> c.ws().maxRate()));
        m.put("ws.max-subscriptions", Map.entry("12", c -> c.ws().maxSubscriptions()));
        m.put("ws.compression", Map.entry("false", c -> c.ws().compression()));
        m.put("data-dir", Map.entry("/var/tmp/x", c -> c.dataDir().toString()));
        m.put("sync.interval", Map.entry("1m", c -> c.sync().interval()));
        m.put("sync.debounce", Map.entry("250ms", c -> c.sync().debounce()));
        m.put("sync.jitter", Map.entry("25%", c -> c.sync().jitter()));
        m.put("sync.fetch-timeout", Map.entry("15s", c -> c.sync().fetchTimeout()));
        m.put("sync.backoff.initial", Map.entry("5s", c -> c.sync().backoffInitial()));
        m.put("sync.backoff.max", Map.entry("1h", c -> c.sync().backoffMax()));
        m.put("sync.full-reload", Map.entry("1d", c -> c.sync().fullReload()));
        m.put("sync.max-concurrent", Map.entry("3", c -> c.sync().maxConcurrent()));
        m.put("throttle.per-domain-concurrency", Map.entry("2", c -> c.throttle().perDomainConcurrency()));
        m.put("throttle.per-domain-per-minute", Map.entry("60", c -> c.throttle().perDomainPerMinute()));
        m.put("auth.tokens-file", Map.entry(tokens.toString(), c -> c.auth().tokensFile().map(Path::toString).orElse("")));
        m.put("auth.webhook-secret-file", Map.entry(secret.toString(), c -> c.auth().webhookSecretFile().map(Path::toString).orElse("")));
        m.put("auth.principals-file", Map.entry(tokens.toString(), c -> c.auth().principalsFile().map(Path::toString).orElse("")));
        m.put("auth.open-paths", Map.entry("/metrics", c -> c.auth().openPaths()));
        m.put("auth.max-failures", Map.entry("3", c -> c.auth().maxFailures()));
        m.put("encrypt.key", Map.entry("k3y", c -> c.encrypt().key().orElse("")));
        m.put("encrypt.key-file", Map.entry(secret.toString(), c -> c.encrypt().key().isPresent()));
        m.put("encrypt.salt", Map.entry("00ff", c -> c.encrypt().salt()));
        m.put("encrypt.key-store.location", Map.entry(secret.toString(), c -> c.encrypt().keyStore().location().map(Path::toString).orElse("")));
        m.put("encrypt.key-store.password", Map.entry("st0re", c -> c.encrypt().keyStore().password()));
        m.put("encrypt.key-store.alias", Map.entry("k2", c -> c.encrypt().keyStore().alias()));
        m.put("encrypt.key-store.secret", Map.entry("k3y", c -> c.encrypt().keyStore().secret()));
        m.put("encrypt.key-store.type", Map.entry("PKCS12", c -> c.encrypt().keyStore().type()));
        m.put("encrypt.rsa.algorithm", Map.entry("OAEP", c -> c.encrypt().keyStore().algorithm()));
        m.put("encrypt.rsa.salt", Map.entry("beefdead", c -> c.encrypt().keyStore().salt()));
        m.put("encrypt.rsa.strong", Map.entry("true", c -> c.encrypt().keyStore().strong()));
        m.put("tls.cert-file", Map.entry(secret.toString(), c -> c.tls().certFile().map(Path::toString).orElse("")));
        m.put("tls.key-file", Map.entry(secret.toString(), c -> c.tls().keyFile().map(Path::toString).orElse("")));
        m.put("tls.client-ca-file", Map.entry(secret.toString(), c -> c.tls().clientCaFile().map(Path::toString).orElse("")));
        m.put("render.cache-size", Map.entry("8MiB", c -> c.render().cacheBytes()));
        m.put("log.level", Map.entry("debug", c -> c.logLevel()));
        Path proxyCreds = Files.writeString(tmp.resolve("proxy-creds"), "u:p\n");
        m.put("proxy.url", Map.entry("http://proxy.example.com:3128", c -> c.proxy().url()));
        m.put("proxy.credentials-file", Map.entry(proxyCreds.toString(), c -> c.proxy().credentialsFile().map(Path::toString).orElse("")));
        m.put("proxy.no-proxy", Map.entry("internal.example.com", c -> c.proxy().noProxy()));
        m.put("cluster.peers", Map.entry("http://vortex-b:8888", c -> c.cluster().peers()));
        m.put("cluster.peers-dns", Map.entry("vortex-peers.svc:8080", c -> c.cluster().peersDns() + ":" + c.cluster().peersDnsPort()));
        m.put("auth.cluster-secret-file", Map.entry(clusterSecret().toString(), c -> c.cluster().secretFile().map(Path::toString).orElse("")));
        m.put("cluster.replica-id", Map.entry("vortex-a", c -> c.cluster().replicaId()));
        m.put("cluster.resync-wait", Map.entry("2s", c -> c.cluster().resyncWait()));
        return m;
    }

    @Test
    void everyKey_isCovered_bySamples() throws IOException {
        assertEquals(ConfigKeys.DEFAULTS.keySet(), samples().keySet());
    }

    @Test
    void everyKey_inFileEnvAndFlagForm_setsTheSameValue() throws Exception {
        VortexConfig defaults = ConfigLoader.load(List.of(), Map.of());
        for (var e : samples().entrySet()) {
            String key = e.getKey();
            String value = e.getValue().getKey();
            Function<VortexConfig, Object> read = e.getValue().getValue();
            // peers are refused without the secret that signs their notices
            List<String> with = key.startsWith("cluster.peers") ? List.of("--auth.cluster-secret-file=" + clusterSecret()) : List.of();
            Object fromFlag = read.apply(ConfigLoader.load(concat(with, "--" + key + "=" + value), Map.of()));
            Object fromEnv = read.apply(ConfigLoader.load(with, Map.of(ConfigLoader.envName(key), value)));
            Object fromFile = read.apply(ConfigLoader.load(concat(with, "--config=" + yamlFile(key, value)), Map.of()));
            assertEquals(fromFlag, fromEnv, key);
            assertEquals(fromFlag, fromFile, key);
            assertFalse(fromFlag.equals(read.apply(defaults)), key + " sample must differ from its default");
        }
    }

    private static List<String> concat(List<String> first, String last) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(last)).toList();
    }

    private Path clusterSecret() throws IOException {
        return Files.writeString(tmp.resolve("cluster-secret"), "0123456789abcdef0123\n");
    }

    private Path yamlFile(String key, String value) throws IOException {
        String[] parts = key.split("\\.");
        StringBuilder y = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            y.append("  ".repeat(i)).append(parts[i]).append(':');
            y.append(i == parts.length - 1 ? " \"" + value + "\"\n" : "\n");
        }
        return Files.writeString(tmp.resolve("c-" + key + ".yml"), y.toString());
    }

    @Test
    void defaults_matchTheArchitecture() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of(), Map.of());
        assertEquals("127.0.0.1", c.http().bind());
        assertEquals(8888, c.http().port());
        assertEquals(8889, c.ws().port());
        assertEquals(Duration.ofSeconds(30), c.sync().interval());
        assertEquals(Duration.ofMillis(500), c.sync().debounce());
        assertEquals(0.10, c.sync().jitter(), 1e-9);
        assertEquals(Duration.ofSeconds(20), c.sync().backoffInitial());
        assertEquals(Duration.ofMinutes(2), c.sync().backoffMax());
        assertEquals(Duration.ofHours(6), c.sync().fullReload());
        assertEquals(5, c.throttle().perDomainConcurrency());
        assertEquals(30, c.throttle().perDomainPerMinute());
        assertEquals(64 * 1024, c.ws().maxMessage());
        assertEquals(4 * 1024 * 1024, c.ws().queueBytes());
        assertTrue(c.repos().isEmpty());
    }

    @Test
    void precedence_fileThenEnvThenFlag_laterWins() throws Exception {
        Path file = Files.writeString(tmp.resolve("v.yml"), "http:\n  port: 1001\nws:\n  port: 2001\nsync:\n  interval: 1m\n");
        VortexConfig c = ConfigLoader.load(List.of("--config=" + file, "--http.port=1003"),
                Map.of("VORTEX_HTTP_PORT", "1002", "VORTEX_WS_PORT", "2002"));
        assertEquals(1003, c.http().port());
        assertEquals(2002, c.ws().port());
        assertEquals(Duration.ofMinutes(1), c.sync().interval());
    }

    @Test
    void configFile_fromEnvironment_isRead() throws Exception {
        Path file = Files.writeString(tmp.resolve("v.yml"), "http: {port: 1234}\n");
        assertEquals(1234, ConfigLoader.load(List.of(), Map.of("VORTEX_CONFIG", file.toString())).http().port());
    }

    @Test
    void repos_inFileForm_areBoundWithDefaults() throws Exception {
        Path creds = Files.writeString(tmp.resolve("creds"), "u:t\n");
        Path file = Files.writeString(tmp.resolve("r.yml"), """
                repos:
                  - name: shop
                    urls: [https://git.example.com/shop.git, https://mirror.example.org/shop.git]
                    apps: ["shop-*"]
                    default-label: trunk
                    labels: [trunk, "release/*"]
                    search-paths: ["{application}", shared]
                    credentials-file: %s
                  - name: other
                    urls: [file:///srv/git/other.git]
                """.formatted(creds));
        VortexConfig c = ConfigLoader.load(List.of("--config=" + file), Map.of());
        RepoConfig shop = c.repos().get(0);
        assertEquals("shop", shop.name());
        assertEquals(2, shop.urls().size());
        assertEquals(List.of("shop-*"), shop.apps());
        assertEquals(Optional.of("trunk"), shop.defaultLabel());
        assertEquals(List.of("{application}", "shared"), shop.searchPaths());
        assertEquals(Optional.of(creds), shop.credentialsFile());
        assertTrue(shop.tracks("release/1.2"));
        assertFalse(shop.tracks("feature/x"));
        RepoConfig other = c.repos().get(1);
        assertEquals(List.of("*"), other.apps());
        assertEquals(Optional.empty(), other.defaultLabel(), "none configured: the sync follows the remote's HEAD");
        assertFalse(other.tracks("main"), "only the sync knows which label the remote's HEAD names");
    }

    @Test
    void overrides_fromFileAndFlags_flattened_unescapedAsSpringDoes() throws Exception {
        Path file = Files.writeString(tmp.resolve("o.yml"), """
                overrides:
                  logging.level.root: WARN
                  db:
                    url: jdbc:h2:mem:x
                    pool: 5
                  client-side: \\${app.name:demo}
                  braces: a\\{b}
                  empty: ~
                """);
        VortexConfig c = ConfigLoader.load(List.of("--config=" + file, "--overrides.db.pool=7", "--overrides.extra=\\${x}"), Map.of());
        assertEquals(List.of("logging.level.root", "db.url", "db.pool", "client-side", "braces", "empty", "extra"),
                List.copyOf(c.overrides().keySet()));
        assertEquals("7", c.overrides().get("db.pool"), "a flag wins over the file");
        assertEquals("${app.name:demo}", c.overrides().get("client-side"));
        assertEquals("a{b}", c.overrides().get("braces"));
        assertEquals("", c.overrides().get("empty"));
        assertEquals("${x}", c.overrides().get("extra"));
        assertEquals(Map.of(), ConfigLoader.load(List.of(), Map.of()).overrides());
    }

    @Test
    void overrides_notAMapping_orAList_isAProblem() throws Exception {
        Path file = Files.writeString(tmp.resolve("o.yml"), "overrides:\n  a: [1, 2]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--config=" + file), Map.of()));
        assertTrue(e.problems().contains("overrides.a: must be a value (a list is written key[0], key[1], …)"), e.problems().toString());
        Path scalar = Files.writeString(tmp.resolve("s.yml"), "overrides: 3\n");
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--config=" + scalar), Map.of()));
        assertTrue(e.problems().contains("overrides: must be a mapping of property names to values"), e.problems().toString());
    }

    @Test
    void repos_inEnvAndFlagForm_areBound() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of("--repos.1.name=b", "--repos.1.urls=file:///b", "--repos.1.default-label=dev"),
                Map.of("VORTEX_REPOS_0_NAME", "a", "VORTEX_REPOS_0_URLS", "https://h/a.git,https://m/a.git",
                        "VORTEX_REPOS_0_SEARCH_PATHS", "x,y"));
        assertEquals(List.of("a", "b"), c.repos().stream().map(RepoConfig::name).toList());
        assertEquals(List.of("https://h/a.git", "https://m/a.git"), c.repos().get(0).urls());
        assertEquals(List.of("x", "y"), c.repos().get(0).searchPaths());
        assertEquals(Optional.of("dev"), c.repos().get(1).defaultLabel());
    }

    @Test
    void repoShorthand_namesRepoAfterUrl_withMirrors() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of("--repo=https://user:secret@git.example.com/team/Cfg.git,https://m.example.org/cfg.git",
                "--repo=file:///srv/other"), Map.of());
        assertEquals(List.of("cfg", "other"), c.repos().stream().map(RepoConfig::name).toList());
        assertEquals(2, c.repos().get(0).urls().size());
    }

    @Test
    void everyProblem_isListed_atOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(
                "--http.port=notaport", "--sync.intervl=3s", "--ws.ping=3", "--sync.jitter=150%",
                "--ws.queue-bytes=lots", "--log.level=loud", "--repos.0.name=Bad_Name", "--repos.0.urls=ftp://x/y",
                "stray", "--auth.tokens-file=/does/not/exist"), Map.of("VORTEX_HTTP_PROT", "1")));
        List<String> p = e.problems();
        assertTrue(p.contains("http.port: \"notaport\" is not a port (0-65535, 0 picks a free port)"), p.toString());
        assertTrue(p.contains("flag --sync.intervl is not a known setting (did you mean sync.interval?)"), p.toString());
        assertTrue(p.contains("environment variable VORTEX_HTTP_PROT is not a known setting (did you mean VORTEX_HTTP_PORT?)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("ws.ping: \"3\" is not a duration")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("sync.jitter: \"150%\" is not a percentage")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("ws.queue-bytes: \"lots\" is not a size")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("log.level: \"loud\"")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("repos.0.name: \"Bad_Name\" is not a repository name")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("repos.0.urls: \"ftp://x/y\" is not a git URL")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("argument \"stray\"")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("auth.tokens-file: \"/does/not/exist\" is not a readable file")), p.toString());
        assertEquals(11, p.size(), p.toString());
    }

    @Test
    void unknownKeys_inFile_andRepoKeys_suggestTheClosest() throws IOException {
        Path file = Files.writeString(tmp.resolve("bad.yml"), """
                htp:
                  port: 1
                repos:
                  - name: a
                    url: [file:///x]
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--config=" + file), Map.of()));
        assertTrue(e.problems().contains("key htp.port is not a known setting (did you mean http.port?)"), e.problems().toString());
        assertTrue(e.problems().contains("repos.0.url: unknown repository key \"url\" (did you mean urls?)"), e.problems().toString());
        assertTrue(e.problems().contains("repos.0.urls: missing (at least one git URL)"), e.problems().toString());
    }

    @Test
    void crossChecks_duplicateNames_samePorts_backoffOrder() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(
                "--repo=file:///a/cfg", "--repo=file:///b/cfg.git", "--http.port=7000", "--ws.port=7000",
                "--sync.backoff.initial=5m", "--sync.backoff.max=1m"), Map.of()));
        assertTrue(e.problems().contains("repository name \"cfg\" is used twice (names must be unique)"), e.problems().toString());
        assertTrue(e.problems().contains("ws.port: 7000 is also http.port (they must differ)"), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(s -> s.startsWith("sync.backoff.initial: PT5M is larger")), e.problems().toString());
    }

    @Test
    void brokenYaml_namesTheFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("broken.yml"), "http: [unclosed\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--config=" + file), Map.of()));
        assertTrue(e.problems().get(0).startsWith("config file " + file + ":"), e.problems().toString());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("--config=" + tmp.resolve("nope.yml")), Map.of()));
        assertEquals(List.of("config file " + tmp.resolve("nope.yml") + ": not found"), missing.problems());
    }

    @Test
    void credentialsInRepoUrl_neverAppearInProblems() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                List.of("--repos.0.name=x", "--repos.0.urls=gopher://user:hunter2@host/x"), Map.of()));
        assertFalse(e.problems().toString().contains("hunter2"), e.problems().toString());
    }

    @Test
    void shippedExample_parses() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of("--config=etc/vortex.yml"), Map.of());
        assertEquals("shop", c.repos().get(0).name());
        assertEquals(2, c.repos().get(0).urls().size());
    }
}
