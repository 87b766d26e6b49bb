package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.git.Mirror;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.ChildDaemon;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's process dying or its disk failing: SIGKILL in the middle of a fetch and around
 * state.json writes (a real child JVM), a full disk while writing state.json, and a corrupt
 * state.json at start. After each, the daemon serves the last complete state, its mirror still
 * fetches, and nothing that was written is lost.
 */
class ProcessFaultsTest {
    @TempDir
    Path tmp;
    private TestRepo origin;
    private GitHttpServer server;
    private String url;
    private Path data;
    private final List<ChildDaemon> children = new ArrayList<>();
    private Vortexd daemon;

    @BeforeEach
    void setUp() throws Exception {
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").write("shop.yml", "server:\n  port: 8080\n").commit("first");
        server = GitHttpServer.start(tmp.resolve("served"));
        url = server.serve(origin, "cfg.git");
        data = tmp.resolve("data");
    }

    @AfterEach
    void tearDown() {
        server.close();
        children.forEach(ChildDaemon::close);
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private ChildDaemon child() throws IOException {
        ChildDaemon d = ChildDaemon.start(data, List.of("--repo=" + url, "--sync.interval=1h", "--sync.debounce=0ms"));
        children.add(d);
        return d;
    }

    private Http launch() throws Exception {
        daemon = Vortexd.launch(List.of("--data-dir=" + data, "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--sync.debounce=0ms", "--sync.interval=1h", "--repo=" + url), Map.of());
        return new Http(daemon.httpPort());
    }

    private Path mirror() {
        return data.resolve("mirrors/cfg.git");
    }

    /** The commit state.json holds for cfg's main; the file must be complete JSON of the expected form. */
    private String stateCommit() throws IOException {
        JsonNode root = Http.parse(Files.readString(data.resolve("state.json")));
        assertEquals(1, root.path("version").asInt(), root.toString());
        String commit = root.path("repos").path("cfg").path("main").asText();
        assertTrue(commit.matches("[0-9a-f]{40}"), root.toString());
        return commit;
    }

    /** What the primary's namespace in the mirror says main is (what a fetch last brought). */
    private String mirrorMain() {
        return origin.git("--git-dir=" + mirror(), "rev-parse", "refs/vortex/" + Mirror.remoteId(url) + "/heads/main").trim();
    }

    private void assertMirrorUsable() throws IOException {
        origin.git("--git-dir=" + mirror(), "fsck", "--strict", "--no-dangling");
        try (Stream<Path> files = Files.walk(mirror())) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".lock")).toList(), "lock files left");
        }
    }

    @Test
    void kill9DuringAFetch_restartServesTheLastCommit_andTheMirrorStillFetches() throws Exception {
        ChildDaemon first = child();
        Http http = new Http(first.httpPort());
        await().atMost(Duration.ofSeconds(30)).until(http::ready);
        String c1 = origin.head();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(data.resolve("state.json")) && stateCommit().equals(c1));
        byte[] noise = new byte[2 << 20];
        new Random(7).nextBytes(noise);
        Files.write(origin.dir().resolve("noise.bin"), noise);
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second, with 2 MiB of noise");
        origin.push();
        server.mode(GitHttpServer.Mode.STALL);

        assertEquals(202, http.post("/api/v1/repos/cfg/refresh").statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stalled() > 0);
        first.kill();
        try (Stream<Path> f = Files.walk(mirror())) { f.forEach(p -> System.out.println("LEFT " + p + " " + p.toFile().length())); }

        server.mode(GitHttpServer.Mode.FAIL);
        ChildDaemon second = child();
        Http again = new Http(second.httpPort());
        assertEquals(200, again.get("/ready").statusCode());
        assertEquals(c1, again.version("shop", "default"));
        assertEquals(c1, stateCommit());
        server.mode(GitHttpServer.Mode.OK);
        assertEquals(c2, again.refresh("cfg").path("commits").path("main").asText());
        assertEquals(c2, again.version("shop", "default"));
        assertMirrorUsable();
    }

    @Test
    void kill9AroundFetchesAndStateWrites_everyRestartServesACompleteState_nothingLost() throws Exception {
        String persisted = origin.head();
        for (int round = 0; round < 6; round++) {
            if (round == 2) {
                // a write cut short leaves a torn temp file beside state.json: it must be ignored
                Files.writeString(data.resolve("state.json.tmp"), "{\"version\":1,\"repos\":{\"cfg\":{\"main\":\"0123", StandardCharsets.UTF_8);
            }
            server.mode(round == 0 ? GitHttpServer.Mode.OK : GitHttpServer.Mode.FAIL);
            ChildDaemon d = child();
            Http http = new Http(d.httpPort());
            await().atMost(Duration.ofSeconds(30)).until(http::ready);
            if (round > 0) {
                // before any fetch: state.json's commit, moved forward to what the mirror already had
                String served = http.version("shop", "default");
                assertEquals(mirrorMain(), served, "round " + round);
                assertTrue(origin.git("merge-base", "--is-ancestor", persisted, served).isEmpty(), "nothing lost in round " + round);
                assertFalse(d.output().contains("state file"), d.output());
            }
            server.mode(GitHttpServer.Mode.OK);
            origin.write("shop.yml", "server:\n  port: " + (9000 + round) + "\n").commit("round " + round);
            origin.push();
            if (round % 2 == 0) {
                // killed while state.json is being written behind the publish the answer waited for
                http.refresh("cfg");
            } else {
                // killed while the fetch runs
                assertEquals(202, http.post("/api/v1/repos/cfg/refresh").statusCode());
            }
            d.kill();
            persisted = stateCommit();
        }
        ChildDaemon last = child();
        Http http = new Http(last.httpPort());
        await().atMost(Duration.ofSeconds(30)).until(http::ready);
        assertEquals(origin.head(), http.refresh("cfg").path("commits").path("main").asText());
        assertMirrorUsable();
    }

    @Test
    void diskFullWhileWritingState_errorLogged_oldStateKept_thenRecovers() throws Exception {
        Path full = Path.of("/dev/full");
        Tools.require(Files.exists(full), "no /dev/full (Linux) to make a write fail with ENOSPC");
        Http http = launch();
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c1 = origin.head();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(data.resolve("state.json")) && stateCommit().equals(c1));
        // state.json is written through state.json.tmp: pointing that at /dev/full makes the write hit a full disk
        Files.createSymbolicLink(data.resolve("state.json.tmp"), full);
        String c2 = origin.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        origin.push();

        try (CapturedLogs logs = CapturedLogs.attach()) {
            assertEquals(c2, http.refresh("cfg").path("commits").path("main").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.matching("state file not written").isEmpty());
            String line = logs.matching("state file not written").get(0);
            assertTrue(line.contains("level=error") && line.contains("No space left on device"), line);
        }
        assertEquals(c1, stateCommit(), "the previous state.json is kept");
        assertTrue(http.get("/metrics").body().contains("vortex_state_write_failures_total 1"));
        assertEquals(c2, http.version("shop", "default"), "serving goes on");

        String c3 = origin.write("shop.yml", "server:\n  port: 9191\n").commit("third");
        origin.push();
        http.refresh("cfg");
        await().atMost(Duration.ofSeconds(10)).until(() -> stateCommit().equals(c3));
    }

    @Test
    void corruptStateJson_isIgnoredWithAWarning_andRebuiltFromTheMirror() throws Exception {
        Http http = launch();
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        String c1 = origin.head();
        daemon.shutdown();
        daemon = null;
        Files.writeString(data.resolve("state.json"), "{\"version\":1,\"repos\":{\"cfg\":{\"main\":\"", StandardCharsets.UTF_8);
        server.mode(GitHttpServer.Mode.FAIL);

        ChildDaemon restarted = child();
        Http again = new Http(restarted.httpPort());

        List<String> warnings = restarted.output().lines().filter(l -> l.contains("state file unreadable, ignored")).toList();
        assertEquals(1, warnings.size(), restarted.output());
        assertTrue(warnings.get(0).contains("level=warn"), warnings.get(0));
        assertEquals(200, again.get("/ready").statusCode());
        assertEquals(c1, again.version("shop", "default"));
        await().atMost(Duration.ofSeconds(10)).until(() -> stateCommit().equals(c1));
    }
}
