package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon against remotes that fail: down at start, down mid-run, hanging, answering garbage,
 * rewriting history, and mirrors that lag or diverge. What is asserted is what a user sees: the
 * served {@code version}, {@code /ready}, and the status fields ({@code attempts},
 * {@code next_attempt}, {@code last_error}, {@code mirrors[].result}).
 */
class RemoteFaultsTest {
    @TempDir
    Path tmp;
    private TestRepo origin;
    private GitHttpServer server;
    private String url;
    private Vortexd daemon;
    private Http http;

    @BeforeEach
    void setUp() throws Exception {
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").write("shop.yml", "server:\n  port: 8080\n").commit("first");
        server = GitHttpServer.start(tmp.resolve("served"));
        url = server.serve(origin, "cfg.git");
    }

    @AfterEach
    void tearDown() {
        server.close(); // first: a hanging fetch then fails at once instead of holding the stop for its grace
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private void launch(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms"));
        args.addAll(List.of(flags));
        daemon = Vortexd.launch(args, Map.of());
        http = new Http(daemon.httpPort());
    }

    private JsonNode status(String repo) {
        return http.json("/api/v1/repos/" + repo);
    }

    private static Duration between(String from, String to) {
        return Duration.between(Instant.parse(from), Instant.parse(to));
    }

    @Test
    void everyRemoteDownAtStart_servesTheCommitsOfStateJson_andIsReady() throws Exception {
        GitHttpServer.bareCopy(origin, tmp.resolve("served"), "mirror.git");
        String mirror = server.url("mirror.git");
        launch("--repo=" + url + "," + mirror);
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c1 = origin.head();
        assertEquals(c1, http.version("shop", "default"));
        daemon.shutdown();
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        origin.push();
        server.mode(GitHttpServer.Mode.FAIL);

        launch("--repo=" + url + "," + mirror);

        assertEquals(200, http.get("/ready").statusCode(), "ready before any fetch");
        assertEquals(c1, http.version("shop", "default"));
        await().atMost(Duration.ofSeconds(20)).until(() -> status("cfg").path("last_refresh").path("result").asText().equals("failed"));
        JsonNode s = status("cfg");
        assertEquals(List.of("failed", "failed"), s.path("mirrors").findValuesAsText("result"));
        assertTrue(s.path("last_error").path("message").asText().startsWith("fetch " + url), s.toString());
        assertEquals(c1, s.path("commits").path("main").asText());
        assertEquals(200, http.get("/ready").statusCode());
        assertEquals(c1, http.version("shop", "default"), "not " + c2 + ": no remote could be reached");
    }

    @Test
    void remoteDownMidRun_servesTheStaleCommit_errorInStatus_attemptsCountUpWithBackoff() throws Exception {
        // the backoff of 20 s, 40 s, 80 s, 120 s, 120 s … scaled by 1/100
        launch("--repo=" + url, "--sync.interval=1h", "--sync.backoff.initial=200ms", "--sync.backoff.max=1200ms");
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c1 = origin.head();
        server.mode(GitHttpServer.Mode.FAIL);
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        origin.push();

        JsonNode run = http.refresh("cfg");

        assertTrue(run.path("error").asText().startsWith("fetch " + url + ": "), run.toString());
        assertEquals(c1, http.version("shop", "default"));
        assertEquals(200, http.get("/ready").statusCode());
        List<Long> gaps = new ArrayList<>();
        for (int attempt = 1; attempt <= 5; attempt++) {
            int n = attempt;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
                JsonNode s = status("cfg");
                return s.path("attempts").asInt() == n && !s.path("in_progress").asBoolean() && s.path("next_attempt").isTextual();
            });
            JsonNode s = status("cfg");
            assertEquals("failed", s.path("last_refresh").path("result").asText());
            assertEquals("failed", s.path("mirrors").get(0).path("result").asText());
            assertEquals(url, s.path("last_error").path("url").asText());
            assertEquals(c1, s.path("commits").path("main").asText());
            gaps.add(between(s.path("last_refresh").path("time").asText(), s.path("next_attempt").asText()).toMillis());
            assertEquals(c1, http.version("shop", "default"), "stale but served");
        }
        List<Long> expected = List.of(200L, 400L, 800L, 1200L, 1200L);
        for (int i = 0; i < expected.size(); i++) {
            long gap = gaps.get(i);
            // the gap runs from the end of the run to its rescheduling: a few ms, a little more on a busy machine
            assertTrue(gap >= expected.get(i) && gap < expected.get(i) + 350, "backoff steps " + gaps + ", expected " + expected);
        }

        server.mode(GitHttpServer.Mode.OK);
        await().atMost(Duration.ofSeconds(10)).until(() -> http.version("shop", "default").equals(c2));
        JsonNode s = status("cfg");
        assertEquals(0, s.path("attempts").asInt());
        assertEquals("ok", s.path("last_refresh").path("result").asText());
    }

    @Test
    void remoteDown_defaultBackoff_firstRetryTwentySecondsLater() throws Exception {
        launch("--repo=" + url);
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        server.mode(GitHttpServer.Mode.FAIL);

        http.refresh("cfg");

        JsonNode s = status("cfg");
        assertEquals(1, s.path("attempts").asInt());
        long gap = between(s.path("last_refresh").path("time").asText(), s.path("next_attempt").asText()).toMillis();
        assertTrue(gap >= 20_000 && gap < 20_250, gap + " ms");
    }

    @Test
    void remoteHangs_fetchTimesOut_whileAnotherRepositoryKeepsSyncing() throws Exception {
        TestRepo other = TestRepo.init(tmp.resolve("other"));
        other.write("application.yml", "other: 1\n").commit("first");
        launch("--repo=" + url, "--repo=" + other.url(), "--sync.fetch-timeout=3s", "--sync.interval=1h");
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c1 = origin.head();
        server.mode(GitHttpServer.Mode.HANG);

        assertEquals(202, http.post("/api/v1/repos/cfg/refresh").statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() > 0);
        String moved = other.write("application.yml", "other: 2\n").commit("second");
        JsonNode run = http.refresh("other");

        assertEquals(moved, run.path("commits").path("main").asText(), run.toString());
        assertTrue(status("cfg").path("in_progress").asBoolean(), "the other repository synced while cfg's fetch still hung");
        await().atMost(Duration.ofSeconds(15)).until(() -> status("cfg").path("last_refresh").path("result").asText().equals("failed"));
        JsonNode s = status("cfg");
        String error = s.path("last_error").path("message").asText();
        assertTrue(error.contains("timed out") || error.contains("timeout"), error);
        long ms = s.path("last_refresh").path("duration_ms").asLong();
        assertTrue(ms >= 2500 && ms < 12_000, ms + " ms");
        assertEquals(c1, http.version("shop", "default"));
        assertEquals(200, http.get("/ready").statusCode());
    }

    @Test
    void remoteAnswersGarbage_failsAndLeavesTheMirrorIntact() throws Exception {
        launch("--repo=" + url);
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c1 = origin.head();
        server.mode(GitHttpServer.Mode.GARBAGE);
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        origin.push();

        JsonNode run = http.refresh("cfg");

        assertTrue(run.path("error").asText().startsWith("fetch " + url), run.toString());
        assertEquals(c1, http.version("shop", "default"));
        assertEquals("failed", status("cfg").path("mirrors").get(0).path("result").asText());
        origin.git("--git-dir=" + tmp.resolve("data/mirrors/cfg.git"), "fsck", "--strict", "--no-dangling");

        server.mode(GitHttpServer.Mode.OK);
        assertEquals(c2, http.refresh("cfg").path("commits").path("main").asText());
        assertEquals(c2, http.version("shop", "default"));
    }

    @Test
    void primaryForcePush_isFollowed_withAWarning() throws Exception {
        String c1 = origin.head();
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        origin.push();
        launch("--repo=" + url);
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        assertEquals(c2, http.version("shop", "default"));
        origin.git("reset", "-q", "--hard", c1);
        String c3 = origin.write("shop.yml", "server:\n  port: 7070\n").commit("rewritten");
        origin.push();

        try (CapturedLogs logs = CapturedLogs.attach()) {
            assertEquals(c3, http.refresh("cfg").path("commits").path("main").asText());

            List<String> warnings = logs.matching("level=warn", "primary rewrote label history, following it");
            assertEquals(1, warnings.size(), logs.text());
            assertTrue(warnings.get(0).contains("from=" + c2) && warnings.get(0).contains("to=" + c3), warnings.get(0));
        }
        assertEquals(c3, http.version("shop", "default"));
        assertEquals(7070, http.json("/shop/default").path("propertySources").get(0).path("source").path("server.port").asInt());
    }

    @Test
    void laggingOrDivergedMirror_isIgnored_whileThePrimaryIsDown() throws Exception {
        Path mirrorDir = GitHttpServer.bareCopy(origin, tmp, "mirror.git");
        String mirror = mirrorDir.toUri().toString();
        String c1 = origin.head();
        launch("--repo=" + url + "," + mirror);
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        origin.push();
        assertEquals(c2, http.refresh("cfg").path("commits").path("main").asText());
        server.mode(GitHttpServer.Mode.FAIL);

        // lagging: the mirror still has c1, an ancestor of the served c2
        JsonNode lagging = http.refresh("cfg");
        assertEquals(c2, lagging.path("commits").path("main").asText(), lagging.toString());
        assertEquals(List.of("failed", "ok"), status("cfg").path("mirrors").findValuesAsText("result"));
        assertEquals(c2, http.version("shop", "default"));

        // diverged: the mirror's main is a sibling of c2
        origin.git("checkout", "-q", "-b", "side", c1);
        String sibling = origin.write("shop.yml", "server:\n  port: 6666\n").commit("diverged");
        origin.git("push", "-q", "--force", mirrorDir.toString(), "side:main");
        JsonNode diverged = http.refresh("cfg");
        assertEquals(c2, diverged.path("commits").path("main").asText(), "not " + sibling);
        assertEquals(c2, http.version("shop", "default"));

        // the mirror is consulted all the same: a fast-forward of c2 moves the label
        origin.git("checkout", "-q", "main");
        String c3 = origin.write("shop.yml", "server:\n  port: 9191\n").commit("third");
        origin.git("push", "-q", "--force", mirrorDir.toString(), "main:main");
        assertEquals(c3, http.refresh("cfg").path("commits").path("main").asText());
        assertEquals("failed", status("cfg").path("mirrors").get(0).path("result").asText());
    }
}
