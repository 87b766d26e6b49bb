package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which label a request without one gets, against real repositories served over smart HTTP: with no
 * {@code default-label} the remote's HEAD decides (then {@code main}, then {@code master}); a
 * configured label the remote lacks is an error that names it, in the run, the status and {@code /ready}.
 */
class DefaultLabelTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private GitHttpServer server;
    private Vortexd daemon;
    private Http http;
    private CapturedLogs logs;

    @BeforeEach
    void setUp() throws Exception {
        server = GitHttpServer.start(tmp.resolve("served"));
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.shutdown();
        }
        if (logs != null) {
            logs.close();
        }
        server.close();
    }

    private void launch(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=info", "--sync.debounce=0ms", "--sync.interval=1h"));
        args.addAll(List.of(flags));
        daemon = Vortexd.launch(args, Map.of());
        logs = CapturedLogs.attach();
        http = new Http(daemon.httpPort());
    }

    /** Launches with the remote down, then brings it up and syncs: the first choice is made with the logs attached. */
    private void launchThenSync(String... flags) throws Exception {
        server.mode(GitHttpServer.Mode.FAIL);
        launch(flags);
        await().atMost(WAIT).until(() -> http.json("/api/v1/repos/cfg").path("last_refresh").path("result").asText().equals("failed"));
        server.mode(GitHttpServer.Mode.OK);
        http.refresh("cfg");
    }

    /** A repository whose only branch is {@code branch}, with {@code shop.yml} saying so. */
    private TestRepo onlyBranch(String dir, String branch) {
        TestRepo repo = TestRepo.init(tmp.resolve(dir));
        repo.write("shop.yml", "branch: " + branch + "\n").commit("first");
        if (!branch.equals("main")) {
            repo.git("branch", "-m", "main", branch);
        }
        return repo;
    }

    private Path bare(String name) {
        return tmp.resolve("served").resolve(name);
    }

    @Test
    void masterOnlyRepository_isServedAndReady() throws Exception {
        TestRepo origin = onlyBranch("origin", "master");
        String url = server.serve(origin, "cfg.git");

        launchThenSync("--repo=" + url);

        assertTrue(http.ready());
        assertEquals(origin.head(), http.version("shop", "default"));
        assertEquals("master", http.json("/shop/default").path("propertySources").get(0).path("source").path("branch").asText());
        JsonNode status = http.json("/api/v1/repos/cfg");
        assertEquals("master", status.path("default_label").asText());
        assertFalse(status.path("default_label_configured").asBoolean());
        assertEquals(1, logs.matching("default label chosen", "repo=cfg", "label=master", "remote HEAD").size(), logs.text());
    }

    @Test
    void remoteHeadUnknown_fallsBackToMain_thenMaster() throws Exception {
        TestRepo origin = onlyBranch("origin", "master");
        String url = server.serve(origin, "cfg.git");
        // HEAD names a branch that does not exist: git advertises no HEAD at all
        TestRepo.symbolicHead(bare("cfg.git"), "refs/heads/gone");

        launchThenSync("--repo=" + url);

        assertTrue(http.ready());
        assertEquals(origin.head(), http.version("shop", "default"));
        assertEquals(1, logs.matching("default label chosen", "label=master", "fallback").size(), logs.text());

        String onMain = origin.branch("main").write("shop.yml", "branch: main\n").commit("on main");
        origin.push();
        http.refresh("cfg");
        assertEquals(onMain, http.version("shop", "default"), "main comes before master");
    }

    @Test
    void headPointingAtTrunk_servesTrunk_andFollowsWhenHeadMoves() throws Exception {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String onMain = origin.write("shop.yml", "branch: main\n").commit("main");
        String onTrunk = origin.branch("trunk").write("shop.yml", "branch: trunk\n").commit("trunk");
        String url = server.serve(origin, "cfg.git");
        TestRepo.symbolicHead(bare("cfg.git"), "refs/heads/trunk");

        launch("--repo=" + url);

        await().atMost(WAIT).until(http::ready);
        assertEquals(onTrunk, http.version("shop", "default"));
        assertEquals(onTrunk, http.json("/shop/default/trunk").path("version").asText());
        assertEquals("trunk", http.json("/api/v1/repos/cfg").path("default_label").asText());

        TestRepo.symbolicHead(bare("cfg.git"), "refs/heads/main");
        http.refresh("cfg");

        assertEquals(onMain, http.version("shop", "default"));
        assertEquals("main", http.json("/api/v1/repos/cfg").path("default_label").asText());
        assertEquals(1, logs.matching("default label chosen", "label=main", "before=trunk").size(), logs.text());
    }

    @Test
    void restartWithRemoteDown_servesTheFollowedLabelBeforeAnyFetch() throws Exception {
        TestRepo origin = onlyBranch("origin", "trunk");
        String url = server.serve(origin, "cfg.git");
        launch("--repo=" + url);
        await().atMost(WAIT).until(http::ready);
        daemon.shutdown();
        logs.close();
        server.mode(GitHttpServer.Mode.FAIL);

        launch("--repo=" + url);

        assertTrue(http.ready(), "ready before any fetch: the mirror remembers the remote's HEAD");
        assertEquals(origin.head(), http.version("shop", "default"));
        assertEquals("trunk", http.json("/api/v1/repos/cfg").path("default_label").asText());
    }

    @Test
    void configuredLabelMissing_runFails_errorNamesItAndListsBranches_notReady() throws Exception {
        TestRepo origin = onlyBranch("origin", "main");
        for (int i = 1; i <= 11; i++) {
            origin.git("branch", String.format("feature-%02d", i));
        }
        String url = server.serve(origin, "cfg.git");

        launch("--repos.0.name=cfg", "--repos.0.urls=" + url, "--repos.0.default-label=prod");

        await().atMost(WAIT).until(() -> http.json("/api/v1/repos/cfg").path("last_refresh").path("result").asText().equals("failed"));
        String error = "default label 'prod' not found in repository 'cfg' at " + url
                + "; branches there: feature-01, feature-02, feature-03, feature-04, feature-05, feature-06, feature-07,"
                + " feature-08, feature-09, feature-10 (and 2 more)";
        JsonNode status = http.json("/api/v1/repos/cfg");
        assertEquals(error, status.path("last_error").path("message").asText());
        assertEquals("prod", status.path("default_label").asText());
        assertTrue(status.path("default_label_configured").asBoolean());
        HttpResponse<String> ready = http.get("/ready");
        assertEquals(503, ready.statusCode());
        JsonNode waiting = Http.parse(ready.body()).path("waiting");
        assertEquals("cfg", waiting.get(0).path("repo").asText());
        assertEquals("last sync failed: " + error, waiting.get(0).path("reason").asText());
        HttpResponse<String> asked = http.get("/shop/default");
        assertEquals(404, asked.statusCode());
        assertTrue(asked.body().contains("label 'prod' not found in repository 'cfg'"), asked.body());
        http.refresh("cfg");
        assertFalse(logs.matching("level=warn", "msg=sync", "result=failed", "default label 'prod' not found").isEmpty(), logs.text());

        String onProd = origin.branch("prod").commit("prod");
        origin.push();
        JsonNode run = http.refresh("cfg");

        assertTrue(run.path("error").isNull(), run.toString());
        await().atMost(WAIT).until(http::ready);
        assertEquals(onProd, http.version("shop", "default"));
    }
}
