package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.ConfigReloader;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP re-reads the configuration file and applies it under running servers: repositories are
 * added, removed and changed, live settings change, settings that need a restart are reported,
 * and no WebSocket session is dropped; an invalid file changes nothing.
 */
class ConfigReloadTest {
    private static final int SESSIONS = 100;

    @TempDir
    Path tmp;
    private Vortexd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private TestRepo repo(String app) {
        TestRepo r = TestRepo.init(tmp.resolve(app)).write(app + ".yml", "colour: red\nrev: 1\n");
        r.commit("first");
        return r;
    }

    private Path writeConfig(String interval, String extra, TestRepo... repos) throws Exception {
        StringBuilder yml = new StringBuilder("""
                http: {port: 0}
                %s
                data-dir: %s
                log: {level: warn}
                sync: {interval: %s}
                %s
                repos:
                """.formatted(extra.startsWith("ws:") ? "" : "ws: {port: 0}", tmp.resolve("data"), interval, extra));
        for (TestRepo r : repos) {
            String name = r.dir().getFileName().toString();
            yml.append("  - name: ").append(name).append("\n    urls: [\"").append(r.url()).append("\"]\n    apps: [")
                    .append(name).append("]\n");
        }
        return Files.writeString(tmp.resolve("vortex.yml"), yml.toString());
    }

    private Vortexd launch(Path config) throws Exception {
        daemon = Vortexd.launch(List.of("--config=" + config), Map.of());
        Http http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/ready").statusCode() == 200);
        return daemon;
    }

    @Test
    void reload_addsRemovesAndChangesRepos_while100SessionsStayConnected() throws Exception {
        TestRepo alpha = repo("alpha");
        TestRepo beta = repo("beta");
        TestRepo gamma = repo("gamma");
        Path config = writeConfig("30s", "", alpha, beta);
        launch(config);
        Http http = new Http(daemon.httpPort());
        try (WsSwarm swarm = WsSwarm.open(daemon.wsPort(), true)) {
            List<WsSwarm.Conn> onAlpha = swarm.connect("/ws/alpha/default", SESSIONS / 2);
            List<WsSwarm.Conn> onBeta = swarm.connect("/ws/beta/default", SESSIONS / 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> swarm.all().stream().allMatch(c -> c.count("config_snapshot") == 1));

            writeConfig("1m", "", alpha, gamma); // beta removed, gamma added, interval changed
            ConfigReloader.Status status = daemon.reload();
            assertEquals("ok", status.result(), status.toString());
            assertTrue(status.changed().containsAll(List.of("repos", "sync.interval")), status.changed().toString());
            assertEquals(List.of(), status.needRestart());
            assertEquals(Duration.ofMinutes(1), daemon.config().sync().interval());

            // the added repository is synced and served; the removed one answers 404
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/gamma/default").statusCode() == 200);
            assertTrue(http.get("/gamma/default").body().contains("red"));
            assertEquals(404, http.get("/beta/default").statusCode());
            assertEquals(404, http.get("/api/v1/repos/beta").statusCode());
            assertEquals(200, http.get("/api/v1/repos/gamma").statusCode());

            // beta's subscribers get one final error naming why, and stay connected
            await().atMost(Duration.ofSeconds(30)).until(() -> onBeta.stream().allMatch(c -> c.count("error") == 1));
            String error = onBeta.get(0).messages().stream().filter(m -> m.contains("\"error\"")).findFirst().orElseThrow();
            assertTrue(error.contains("NOT_SERVED") && error.contains("repositories removed: beta"), error);

            // alpha's subscribers keep receiving changes
            alpha.write("alpha.yml", "colour: blue\nrev: 2\n").commit("second");
            daemon.reload();
            await().atMost(Duration.ofSeconds(30)).until(() -> onAlpha.stream().allMatch(c -> c.count("config_change") == 1));
            assertEquals("blue", onAlpha.get(0).config(new WsSwarm.Target("alpha", "default", "main")).get("colour"));

            assertTrue(swarm.all().stream().allMatch(WsSwarm.Conn::isOpen), "a session was dropped by the reload");
            assertTrue(swarm.all().stream().allMatch(c -> c.violations().isEmpty()), "protocol violations");
        }
    }

    @Test
    void invalidFile_changesNothing_isCounted_andShownOnTheStatusPage() throws Exception {
        TestRepo alpha = repo("alpha");
        Path config = writeConfig("30s", "", alpha);
        launch(config);
        Http http = new Http(daemon.httpPort());
        VortexConfig before = daemon.config();

        Files.writeString(config, "sync: {interval: soon}\nrepos: [{name: Bad_Name}]\n");
        ConfigReloader.Status status = daemon.reload();
        assertEquals("invalid", status.result());
        assertTrue(status.problems().stream().anyMatch(p -> p.startsWith("sync.interval: \"soon\"")), status.problems().toString());
        assertTrue(status.problems().size() >= 3, status.problems().toString());
        assertEquals(before, daemon.config());
        assertEquals(200, http.get("/alpha/default").statusCode());

        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("vortex_config_reloads_total{result=\"invalid\"} 1"), metrics);
        assertTrue(metrics.contains("vortex_config_last_reload_successful 0"), metrics);
        var info = http.json("/api/v1/info");
        assertEquals("invalid", info.path("config_reload").path("result").asText(), info.toString());
        assertEquals(status.problems().size(), info.path("config_reload").path("problems").asInt(), info.toString());
    }

    @Test
    void portsAndDataDir_needARestart_areReported_andKept() throws Exception {
        TestRepo alpha = repo("alpha");
        Path config = writeConfig("30s", "", alpha);
        launch(config);
        int port = daemon.httpPort();
        Files.writeString(config, Files.readString(config).replace("http: {port: 0}", "http: {port: 1}")
                .replace("data-dir: " + tmp.resolve("data"), "data-dir: " + tmp.resolve("elsewhere")));
        ConfigReloader.Status status = daemon.reload();
        assertEquals("unchanged", status.result(), status.toString());
        assertEquals(List.of("http.port", "data-dir"), status.needRestart());
        assertEquals(port, daemon.httpPort());
        assertEquals(tmp.resolve("data"), daemon.config().dataDir());
        assertEquals(200, new Http(daemon.httpPort()).get("/alpha/default").statusCode());
    }

    @Test
    void demoMode_dataDirChange_keepsServingTheDemo_andCreatesNothingElsewhere() throws Exception {
        Path config = Files.writeString(tmp.resolve("demo.yml"), "http: {port: 0}\nws: {port: 0}\nlog: {level: warn}\ndata-dir: "
                + tmp.resolve("data") + "\n");
        launch(config);
        Files.writeString(config, Files.readString(config).replace(tmp.resolve("data").toString(), tmp.resolve("moved").toString()));
        ConfigReloader.Status status = daemon.reload();
        assertEquals("unchanged", status.result(), status.toString());
        assertEquals(List.of("data-dir"), status.needRestart());
        assertFalse(Files.exists(tmp.resolve("moved")));
        assertEquals(200, new Http(daemon.httpPort()).get("/demo/default").statusCode());
    }

    @Test
    void tokensFileAndLogLevel_changeLive() throws Exception {
        TestRepo alpha = repo("alpha");
        Path config = writeConfig("30s", "", alpha);
        launch(config);
        Http http = new Http(daemon.httpPort());
        assertEquals(200, http.get("/api/v1/repos").statusCode());
        Path tokens = Files.writeString(tmp.resolve("tokens"), "t0ken-1\n");
        writeConfig("30s", "auth: {tokens-file: " + tokens + "}", alpha);
        assertEquals("ok", daemon.reload().result());
        assertEquals(401, http.get("/api/v1/repos").statusCode());
        assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(http.uri("/api/v1/repos"))
                .header("Authorization", "Bearer t0ken-1").build()).statusCode());

        // a tokens file that cannot be read fails the reload and keeps the running tokens
        writeConfig("30s", "auth: {tokens-file: " + tmp.resolve("tokens") + "}", alpha);
        Files.delete(tokens);
        assertEquals("invalid", daemon.reload().result());
        assertEquals(401, http.get("/api/v1/repos").statusCode());
    }

    @Test
    void aStepThatFails_keepsTheRunningRepositories_andSaysSo() throws Exception {
        TestRepo alpha = repo("alpha");
        TestRepo beta = repo("beta");
        launch(writeConfig("30s", "", alpha));
        Http http = new Http(daemon.httpPort());
        // readable but empty: the loader accepts it, building the webhook handler refuses it
        Path empty = Files.writeString(tmp.resolve("empty-secret"), "\n");
        writeConfig("30s", "auth: {webhook-secret-file: " + empty + "}", alpha, beta);
        ConfigReloader.Status status = daemon.reload();
        assertEquals("failed", status.result(), status.toString());
        assertTrue(status.problems().get(0).contains("is empty"), status.problems().toString());
        assertEquals(List.of("alpha"), daemon.config().repos().stream().map(r -> r.name()).toList());
        assertEquals(200, http.get("/alpha/default").statusCode());
        assertEquals(404, http.get("/api/v1/repos/beta").statusCode());
        assertTrue(http.get("/metrics").body().contains("vortex_config_reloads_total{result=\"failed\"} 1"));

        // fixed, the same reload goes through
        Files.writeString(empty, "s3cret\n");
        assertEquals("ok", daemon.reload().result());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/beta/default").statusCode() == 200);
    }

    @Test
    void webSocketLimits_changeLive() throws Exception {
        TestRepo alpha = repo("alpha");
        launch(writeConfig("30s", "", alpha));
        writeConfig("30s", "ws: {port: 0, max-sessions: 1}", alpha);
        ConfigReloader.Status status = daemon.reload();
        assertEquals(List.of("ws.max-sessions"), status.changed(), status.toString());
        try (WsSwarm swarm = WsSwarm.open(daemon.wsPort(), false)) {
            WsSwarm.Conn first = swarm.connect("/ws/alpha/default");
            await().atMost(Duration.ofSeconds(30)).until(() -> first.count("config_snapshot") == 1);
            WsSwarm.Conn second = swarm.connect("/ws/alpha/default");
            await().atMost(Duration.ofSeconds(30)).until(second::isDone);
            assertEquals(1013, second.closeCode());
            assertTrue(first.isOpen());
        }
    }

    @Test
    void resyncWait_changesLive() throws Exception {
        TestRepo alpha = repo("alpha");
        try (GitHttpServer git = GitHttpServer.start(tmp.resolve("served"))) {
            String url = git.serve(alpha, "alpha.git");
            String yml = """
                    http: {port: 0}
                    ws: {port: 0}
                    data-dir: %s
                    log: {level: warn}
                    sync: {interval: 1h, fetch-timeout: 5m}
                    cluster: {resync-wait: %%s}
                    repos:
                      - {name: alpha, urls: ["%s"], apps: [alpha]}
                    """.formatted(tmp.resolve("data"), url);
            Path config = Files.writeString(tmp.resolve("vortex.yml"), yml.formatted("1m"));
            launch(config);
            Files.writeString(config, yml.formatted("200ms"));
            ConfigReloader.Status status = daemon.reload();
            assertEquals(List.of("cluster.resync-wait"), status.changed(), status.toString());

            // the reload's own refresh over (a resync joining it would end with it), then every fetch hangs: a
            // client holding a commit this daemon has not fetched is answered after the new wait, not a minute
            assertEquals(200, new Http(daemon.httpPort()).post("/api/v1/repos/alpha/refresh?wait=20s").statusCode());
            git.mode(GitHttpServer.Mode.HANG);
            String unknown = alpha.write("alpha.yml", "colour: blue\nrev: 2\n").commit("second");
            try (WsSwarm swarm = WsSwarm.open(daemon.wsPort(), true)) {
                WsSwarm.Conn c = swarm.connect("/ws");
                await().atMost(Duration.ofSeconds(10)).until(c::isOpen);
                long t0 = System.nanoTime();
                swarm.send(c, "{\"type\":\"resync\",\"last_version\":\"" + unknown + "\",\"app\":\"alpha\",\"profile\":\"default\"}");
                await().atMost(Duration.ofSeconds(30)).until(() -> c.count("config_snapshot") == 1);
                assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "answered after the reloaded wait");
                assertTrue(c.messages().stream().anyMatch(m -> m.contains("\"reset\":true")), c.messages().toString());
                await().atMost(Duration.ofSeconds(10)).until(() -> git.inFlight() > 0); // the resync's fetch, hanging: the wait ended the hold
            }
            git.mode(GitHttpServer.Mode.OK);
        }
    }

    @Test
    void reloadWithoutChanges_refreshesEveryRepository() throws Exception {
        TestRepo alpha = repo("alpha");
        launch(writeConfig("1h", "", alpha));
        Http http = new Http(daemon.httpPort());
        alpha.write("alpha.yml", "colour: green\n").commit("second");
        assertEquals("unchanged", daemon.reload().result());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/alpha/default").body().contains("green"));
    }

    @Test
    void everySetting_isNamedByTheDiff_andClassifiedLiveOrRestart() throws Exception {
        VortexConfig defaults = ConfigLoader.load(List.of(), Map.of());
        Path file = Files.writeString(tmp.resolve("f"), "x\n");
        Path secret = Files.writeString(tmp.resolve("cluster-secret"), "0123456789abcdef0123\n");
        Map<String, String> samples = new java.util.LinkedHashMap<>();
        for (String k : ConfigLoader.keys()) {
            samples.put(k, switch (k) {
                case "http.bind", "ws.bind" -> "0.0.0.0";
                case "http.port" -> "9001";
                case "ws.port" -> "9002";
                case "data-dir" -> "/var/tmp/x";
                case "sync.jitter" -> "25%";
                case "sync.backoff.max" -> "5m";
                case "auth.tokens-file", "auth.webhook-secret-file", "auth.principals-file", "encrypt.key-file", "tls.cert-file",
                        "tls.key-file", "proxy.credentials-file", "encrypt.key-store.location", "tls.client-ca-file" -> file.toString();
                case "encrypt.rsa.algorithm" -> "OAEP";
                case "encrypt.rsa.strong" -> "true";
                case "ws.compression" -> "false";
                case "encrypt.rsa.salt" -> "beef";
                case "proxy.url" -> "http://proxy.example:3128";
                case "proxy.no-proxy" -> "example.org";
                case "auth.open-paths" -> "/metrics";
                case "encrypt.salt" -> "00ff";
                case "log.level" -> "debug";
                case "cluster.peers" -> "http://10.0.0.2:8888";
                case "cluster.peers-dns" -> "vortex-peers.config.svc:8888";
                case "auth.cluster-secret-file" -> secret.toString();
                case "cluster.replica-id" -> "replica-b";
                default -> ConfigLoader.defaultOf(k).matches("\\d+") ? "7" : ConfigLoader.defaultOf(k).matches(".*iB")
                        ? "3MiB" : "7s";
            });
        }
        VortexConfig plain = defaults;
        for (var e : samples.entrySet()) {
            // peers need the secret: compared against the defaults with the secret set
            boolean peers = e.getKey().startsWith("cluster.peers");
            defaults = peers ? ConfigLoader.load(List.of("--auth.cluster-secret-file=" + secret), Map.of()) : plain;
            VortexConfig changed = ConfigLoader.load(peers ? List.of("--" + e.getKey() + "=" + e.getValue(), "--auth.cluster-secret-file=" + secret)
                    : List.of("--" + e.getKey() + "=" + e.getValue()), Map.of());
            ConfigDiff diff = ConfigDiff.between(defaults, changed);
            String key = e.getKey().equals("encrypt.key-file") ? "encrypt.key" : e.getKey(); // the file's content is the key
            // a key store is compared by its content too (its SHA-256), so a store replaced under its name is seen
            assertEquals(key.equals("encrypt.key-store.location") ? List.of(key, "encrypt.key-store.digest") : List.of(key), diff.changed(),
                    e.getKey());
            boolean restart = List.of("http.bind", "http.port", "ws.bind", "ws.port", "ws.max-message", "data-dir", "auth.max-failures",
                            "cluster.replica-id")
                    .contains(e.getKey());
            assertEquals(restart ? List.of(key) : List.of(), diff.needRestart(), e.getKey());
            // what a reload applies never carries a restart-only change
            assertTrue(ConfigDiff.between(defaults, ConfigDiff.applicable(defaults, changed)).needRestart().isEmpty(), e.getKey());
        }
        assertFalse(ConfigDiff.between(defaults, defaults.withRepos(List.of(), true)).isEmpty());
        VortexConfig before = ConfigLoader.load(List.of("--encrypt.key-store.location=" + file), Map.of());
        Files.writeString(file, "y\n");
        ConfigDiff rewritten = ConfigDiff.between(before, ConfigLoader.load(List.of("--encrypt.key-store.location=" + file), Map.of()));
        assertEquals(List.of("encrypt.key-store.digest"), rewritten.changed(), "the same name, another store");
        assertEquals(List.of(), rewritten.needRestart());
    }
}
