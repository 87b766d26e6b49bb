package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import dev.vortex.ops.Metrics;
import dev.vortex.state.RepoStatus;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production engine against real git: file:// and smart HTTP through {@code git http-backend}. */
class SyncIntegrationTest {
    @TempDir
    Path tmp;
    private TestRepo origin;
    private GitHttpServer server;
    private Mirrors mirrors;
    private StateStore state;
    private SyncEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").commit("first");
        Files.createDirectories(tmp.resolve("served"));
        server = GitHttpServer.start(tmp.resolve("served"));
    }

    @AfterEach
    void tearDown() {
        stopEngine();
        server.close();
    }

    private void stopEngine() {
        if (engine != null) {
            engine.stop(Duration.ofSeconds(5));
            engine = null;
        }
        if (mirrors != null) {
            mirrors.close();
            mirrors = null;
        }
    }

    /** A bare copy of origin served over HTTP; pushes from origin reach it. */
    private String httpRemote() {
        GitHttpServer.bareCopy(origin, tmp.resolve("served"), "cfg.git");
        origin.git("remote", "add", "served", tmp.resolve("served/cfg.git").toString());
        return server.url("cfg.git");
    }

    private void push() {
        origin.git("push", "-q", "--force", "served", "main");
    }

    private SyncEngine start(List<String> urls, String... flags) throws IOException {
        RepoConfig repo = new RepoConfig("cfg", urls, List.of("*"), "main", List.of("v*"), List.of(), Optional.empty());
        VortexConfig config = SyncEngineTest.config(tmp.resolve("data"), List.of(repo), flags);
        mirrors = Mirrors.open(config, InstantSource.system());
        state = new StateStore(StateFile.in(config.dataDir()), new Metrics());
        engine = new SyncEngine(config, mirrors, state, CommitCheck.acceptAll(), new Metrics(), InstantSource.system());
        engine.start();
        return engine;
    }

    private SyncResult refresh(Set<String> want) throws Exception {
        return engine.trigger("cfg", "api", want).get(30, TimeUnit.SECONDS);
    }

    @Test
    void fileUrl_commitThenRefresh_servesNewCommit() throws Exception {
        start(List.of(origin.url()));
        assertEquals(Map.of("main", origin.head()), refresh(Set.of()).commits());

        String c2 = origin.write("application.yml", "greeting: hi\n").commit("second");
        SyncResult r = refresh(Set.of());

        assertTrue(r.changed());
        assertEquals(Map.of("main", c2), r.commits());
        assertEquals(Optional.of(c2), state.servedCommit("cfg", "main"));
    }

    @Test
    void smartHttp_commitThenRefresh_servesNewCommitAndTags() throws Exception {
        String url = httpRemote();
        start(List.of(url));
        refresh(Set.of());

        String c2 = origin.write("application.yml", "greeting: hi\n").commit("second");
        origin.git("tag", "-a", "v2", "-m", "two");
        origin.git("push", "-q", "served", "main", "v2");
        SyncResult r = refresh(Set.of());

        assertEquals(Map.of("main", c2, "v2", c2), r.commits());
        assertEquals(Optional.empty(), r.error());
        RepoReport report = engine.status("cfg").orElseThrow();
        assertEquals("ok", report.status().mirrors().get(0).result());
        assertEquals(url, report.status().mirrors().get(0).url());
    }

    @Test
    void wantedCommit_isFetchedAndServed() throws Exception {
        String url = httpRemote();
        start(List.of(url));
        refresh(Set.of());
        String c2 = origin.write("application.yml", "greeting: webhook\n").commit("pushed");
        push();

        SyncResult r = refresh(Set.of(c2));

        assertEquals(Optional.empty(), r.error());
        assertEquals(Map.of("main", c2), r.commits());
        assertEquals(Set.of(), engine.status("cfg").orElseThrow().wantCommits());
    }

    @Test
    void pushOfOneRefAndCommit_isFetchedByTheAnnouncedPost_andServed() throws Exception {
        String url = httpRemote();
        start(List.of(url));
        refresh(Set.of());
        String c2 = origin.write("application.yml", "greeting: announced\n").commit("pushed");
        push();
        int from = server.requests();

        SyncResult r = engine.trigger("cfg", "webhook", Set.of(c2), Set.of("refs/heads/main")).get(30, TimeUnit.SECONDS);

        assertEquals(Optional.empty(), r.error());
        assertEquals(Map.of("main", c2), r.commits());
        List<String> requests = server.requestLines().subList(from, server.requests());
        assertEquals(1, requests.stream().filter(l -> l.endsWith("git-upload-pack agent=vortexd")).count(), requests.toString());
        assertEquals(0, requests.stream().filter(l -> l.contains("command=fetch")).count(), requests.toString());
    }

    @Test
    void remoteDown_errorInStatus_backoff_oldCommitStillServed() throws Exception {
        String url = httpRemote();
        start(List.of(url));
        String c1 = refresh(Set.of()).commits().get("main");
        server.mode(GitHttpServer.Mode.FAIL);

        SyncResult r = refresh(Set.of());

        assertTrue(r.error().orElseThrow().startsWith("fetch " + url + ": "), r.error().toString());
        assertEquals(Map.of("main", c1), r.commits());
        RepoReport report = engine.status("cfg").orElseThrow();
        RepoStatus.RepoError err = report.status().lastError().orElseThrow();
        assertEquals(Optional.of(url), err.url());
        assertEquals("failed", report.status().lastRefresh().orElseThrow().result());
        assertEquals(1, report.attemptCount()); // when the next attempt is due: SyncEngineTest, on a fake clock
        assertEquals(Optional.of(c1), state.servedCommit("cfg", "main"));
    }

    @Test
    void remoteHangs_fetchTimesOut() throws Exception {
        String url = httpRemote();
        start(List.of(url), "--sync.fetch-timeout=1s");
        refresh(Set.of());
        server.mode(GitHttpServer.Mode.HANG);

        long t0 = System.nanoTime();
        SyncResult r = refresh(Set.of());

        assertTrue(r.error().isPresent());
        assertTrue(r.error().get().toLowerCase().contains("timed out") || r.error().get().contains("timeout"), r.error().get());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
    }

    @Test
    void garbageAnswer_isAFailedFetch() throws Exception {
        String url = httpRemote();
        start(List.of(url));
        refresh(Set.of());
        server.mode(GitHttpServer.Mode.GARBAGE);

        SyncResult r = refresh(Set.of());

        assertTrue(r.error().orElseThrow().startsWith("fetch " + url), r.error().get());
    }

    @Test
    void primaryDown_mirrorOverHttpServesFastForward() throws Exception {
        String mirrorUrl = httpRemote();
        start(List.of("http://127.0.0.1:1/cfg.git", mirrorUrl));
        String c2 = origin.write("application.yml", "greeting: mirrored\n").commit("second");
        push();

        SyncResult r = refresh(Set.of());

        assertEquals(Map.of("main", c2), r.commits());
        assertEquals(List.of("failed", "ok"), engine.status("cfg").orElseThrow().status().mirrors().stream()
                .map(RepoStatus.MirrorStatus::result).toList());
    }

    @Test
    void restart_withEveryRemoteDown_servesFromStateJson() throws Exception {
        String url = httpRemote();
        start(List.of(url));
        String c1 = refresh(Set.of()).commits().get("main");
        stopEngine();
        server.mode(GitHttpServer.Mode.FAIL);

        start(List.of(url));

        assertEquals(Optional.of(c1), state.servedCommit("cfg", "main"), "served right after start, before any fetch");
        assertTrue(state.snapshot().servesAll(List.of("cfg")));
        SyncResult r = refresh(Set.of());
        assertTrue(r.error().isPresent());
        assertEquals(Optional.of(c1), state.servedCommit("cfg", "main"));
    }

    @Test
    void leftoverLockFiles_nextOpenRecovers() throws Exception {
        start(List.of(origin.url()));
        refresh(Set.of());
        stopEngine();
        Path mirror = tmp.resolve("data/mirrors/cfg.git");
        String ns = "refs/vortex/" + Mirror.remoteId(origin.url()) + "/heads/";
        Files.writeString(mirror.resolve(ns + "main.lock"), "");
        Files.writeString(mirror.resolve("packed-refs.lock"), "");
        String c2 = origin.write("application.yml", "greeting: after crash\n").commit("second");

        start(List.of(origin.url()));
        SyncResult r = refresh(Set.of());

        assertEquals(Optional.empty(), r.error());
        assertEquals(Map.of("main", c2), r.commits());
        try (Stream<Path> files = Files.walk(mirror)) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".lock")).toList());
        }
    }

    @Test
    void unopenableMirror_isMovedAsideAndRecreated() throws Exception {
        start(List.of(origin.url()));
        String c1 = refresh(Set.of()).commits().get("main");
        stopEngine();
        Path mirror = tmp.resolve("data/mirrors/cfg.git");
        Files.writeString(mirror.resolve("config"), "[core\nthis is not a git config");

        start(List.of(origin.url()));
        SyncResult r = refresh(Set.of());

        try (Stream<Path> dirs = Files.list(tmp.resolve("data/mirrors"))) {
            assertEquals(1, dirs.filter(p -> p.getFileName().toString().startsWith("cfg.git.broken-")).count());
        }
        assertEquals(Map.of("main", c1), r.commits());
    }
}
