package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.ConfigLoader;
import dev.vortex.config.ConfigException;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.ChangeEvent;
import dev.vortex.state.RepoState;
import dev.vortex.state.RepoStatus;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine wired with a fake fetcher, a fake clock and runs executed inline. */
class SyncEngineTest {
    static final String P = "https://primary.example.com/cfg.git";
    static final String M = "https://mirror.example.org/cfg.git";

    @TempDir
    Path tmp;
    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final Metrics metrics = new Metrics();
    private final FakeFetcher f = new FakeFetcher();
    private final Map<String, String> refuse = new HashMap<>();
    private final List<String> checked = new ArrayList<>();
    private final String c1 = f.commit(null);
    private final String c2 = f.commit(c1);
    private StateStore state;
    private SyncEngine engine;

    static VortexConfig config(Path dataDir, List<RepoConfig> repos, String... flags) {
        List<String> args = new ArrayList<>(List.of("--data-dir=" + dataDir));
        args.addAll(List.of(flags));
        try {
            return ConfigLoader.load(args, Map.of()).withRepos(repos, false);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    static RepoConfig repo(String name, String... urls) {
        return new RepoConfig(name, List.of(urls), List.of("*"), "main", List.of(), List.of(), Optional.empty());
    }

    // state.json is written behind the publisher; let that write end before @TempDir is removed
    @AfterEach
    void flushState() {
        if (state != null) {
            state.flush();
        }
    }

    private SyncEngine engine(List<RepoConfig> repos, String... flags) {
        state = new StateStore(StateFile.in(tmp), metrics);
        engine = new SyncEngine(config(tmp, repos, flags), name -> f, state,
                (r, g, c) -> {
                    checked.add(c.name());
                    if (refuse.containsKey(c.name())) {
                        throw new IllegalStateException(refuse.get(c.name()));
                    }
                    return List.of();
                }, metrics, clock, Runnable::run,
                new SplittableRandom(3), clock::advance);
        return engine;
    }

    private RepoReport report() {
        return engine.status("cfg").orElseThrow();
    }

    @Test
    void start_servesStoredCommitsBeforeAnyFetch() throws IOException {
        f.remote(P, "main", c1).fetchedBefore(P);
        StateFile.in(tmp).write(Map.of("cfg", Map.of("main", c1)));
        engine(List.of(repo("cfg", P)));

        engine.prepare();

        assertEquals(Map.of("main", c1), state.snapshot().commits("cfg"));
        assertTrue(state.snapshot().servesAll(List.of("cfg")));
        assertEquals(List.of(), f.fetches);
    }

    @Test
    void start_servesStoredCommitsWithTheirCheckResults_withoutCheckingThemAgain() throws IOException {
        f.remote(P, "main", c1).fetchedBefore(P);
        BrokenFile broken = new BrokenFile("demo.yml", 3, "bad indentation", List.of("demo"));
        StateFile.in(tmp).write(Map.of("cfg", Map.of("main", c1)), Map.of(), Map.of("cfg", Map.of("main", List.of(broken))));
        engine(List.of(repo("cfg", P)));

        engine.prepare();

        assertEquals(Map.of("main", c1), state.snapshot().commits("cfg"));
        assertEquals(List.of(), checked, "a restart trusts what the check found before it");
        assertEquals(List.of(broken), state.snapshot().holdback("cfg", "main").orElseThrow().broken());
        assertEquals(Optional.of(broken), report().status().problems().getFirst().file());

        state.flush();
        StateStore again = new StateStore(StateFile.in(tmp), metrics);
        assertEquals(Optional.of(Map.of("cfg", Map.of("main", List.of(broken)))), again.storedBroken(), "kept in state.json");
    }

    @Test
    void start_storedCommitWithoutBrokenFiles_isServedUnchecked() throws IOException {
        f.remote(P, "main", c1).fetchedBefore(P);
        StateFile.in(tmp).write(Map.of("cfg", Map.of("main", c1)), Map.of(), Map.of());
        engine(List.of(repo("cfg", P)));

        engine.prepare();

        assertEquals(Map.of("main", c1), state.snapshot().commits("cfg"));
        assertEquals(List.of(), checked);
        assertEquals(Optional.empty(), state.snapshot().holdback("cfg", "main"));
    }

    @Test
    void start_stateFileOfAnOlderVersion_checksTheRestoredCommits() throws IOException {
        f.remote(P, "main", c1).fetchedBefore(P);
        StateFile.in(tmp).write(Map.of("cfg", Map.of("main", c1)));
        engine(List.of(repo("cfg", P)));

        engine.prepare();

        assertEquals(List.of(c1), checked);
    }

    @Test
    void waiting_listsWhatReadyWaitsFor_withWhy() throws IOException {
        f.remote(P, "main", c1).fetchedBefore(P);
        engine(List.of(repo("cfg", P), repo("empty", M))).prepare();

        assertEquals(Map.of("empty", "first sync not finished"), engine.waiting());
    }

    @Test
    void start_withoutStateFile_servesWhatTheMirrorHolds() throws IOException {
        f.remote(P, "main", c2).fetchedBefore(P);
        engine(List.of(repo("cfg", P)));

        engine.prepare();

        assertEquals(Map.of("main", c2), state.snapshot().commits("cfg"));
    }

    @Test
    void start_storedCommitMissingFromMirror_isNotServed() throws IOException {
        StateFile.in(tmp).write(Map.of("cfg", Map.of("main", c2)));
        engine(List.of(repo("cfg", P)));

        engine.prepare();

        assertEquals(Map.of(), state.snapshot().commits("cfg"));
    }

    @Test
    void remoteDown_errorInStatus_backoff_oldCommitStillServed() throws IOException {
        f.remote(P, "main", c1).fetchedBefore(P);
        StateFile.in(tmp).write(Map.of("cfg", Map.of("main", c1)));
        f.down(P, true);
        engine(List.of(repo("cfg", P))).prepare();

        engine.runDue();

        RepoReport r = report();
        assertEquals(Map.of("main", c1), r.commits());
        assertEquals("failed", r.status().lastRefresh().orElseThrow().result());
        RepoStatus.RepoError err = r.status().lastError().orElseThrow();
        assertEquals("fetch " + P + ": connection refused", err.message());
        assertEquals(Optional.of(P), err.url());
        assertEquals(1, r.attemptCount());
        assertEquals(Optional.of(t0.plusSeconds(20)), r.nextAttempt());
        assertEquals("failed", r.status().mirrors().get(0).result());
        assertEquals(1, metrics.counter("vortex_sync_runs_total", "", "repo", "result").value("cfg", "failed"));
    }

    @Test
    void trigger_newCommitServed_futureCompletes_eventEmitted() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        List<ChangeEvent> events = new ArrayList<>();
        state.addListener(events::add);
        f.remote(P, "main", c2);

        CompletableFuture<SyncResult> done = engine.trigger("cfg", "api", Set.of());
        clock.advance(Duration.ofMillis(500));
        engine.runDue();

        SyncResult result = done.join();
        assertTrue(result.changed());
        assertEquals(Map.of("main", c2), result.commits());
        assertEquals(Optional.empty(), result.error());
        assertEquals(List.of(new ChangeEvent("cfg", "main", c1, c2)), events);
        assertEquals("api", report().status().lastRefresh().orElseThrow().trigger());
        assertEquals(2, metrics.counter("vortex_fetch_commits_total", "").value());
        assertEquals(clock.instant().getEpochSecond(),
                (long) metrics.gauge("vortex_repo_last_success_timestamp_seconds", "", "repo").value("cfg"));
    }

    @Test
    void push_newCommitIsPublishedBeforeTheRunsStatus_pushedRefFetchedFirst() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        clock.advance(Duration.ofSeconds(5));
        List<Long> runsOkAtChange = new ArrayList<>();
        state.addListener(e -> runsOkAtChange.add(state.snapshot().repo("cfg").orElseThrow().status().runsOk()));
        f.remote(P, "main", c2);

        CompletableFuture<SyncResult> done = engine.trigger("cfg", "webhook", Set.of(c2), Set.of("refs/heads/main"));
        engine.runDue(); // leading edge: no debounce

        assertEquals(Map.of("main", c2), done.join().commits());
        assertEquals(List.of(1L), runsOkAtChange, "listeners see the new commit while the status is still the previous run's");
        assertEquals(2, report().status().runsOk());
        assertEquals(List.of(P + " refs/heads/main"), f.refFetches);
        assertEquals(1, f.fetchCount(P), "only the start-up run fetched every ref");
    }

    @Test
    void push_mirrorGcRunsAfterTheNewCommitIsPublished_neverBefore() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        clock.advance(Duration.ofSeconds(5));
        List<String> order = new ArrayList<>();
        state.addListener(e -> order.add("published " + e.newCommit()));
        f.onGc = () -> order.add("gc");
        f.remote(P, "main", c2);

        CompletableFuture<SyncResult> done = engine.trigger("cfg", "webhook", Set.of(c2), Set.of("refs/heads/main"));
        engine.runDue();

        assertTrue(done.join().changed());
        assertEquals(List.of("published " + c2, "gc"), order);
    }

    @Test
    void mirrorGcThatFails_isAWarning_theRunStillSucceedsWithItsCommit() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        clock.advance(Duration.ofSeconds(5));
        f.onGc = () -> {
            throw new IllegalStateException("no space left on device");
        };
        f.remote(P, "main", c2);

        try (LogCapture log = new LogCapture(RepoSync.class)) {
            CompletableFuture<SyncResult> done = engine.trigger("cfg", "api", Set.of());
            engine.runDue();
            SyncResult result = done.join();
            assertEquals(Map.of("main", c2), result.commits());
            assertEquals(Optional.empty(), result.error());
            assertTrue(log.has(java.util.logging.Level.WARNING, "mirror gc failed"), log.records.toString());
        }
        assertEquals(Map.of("main", c2), state.snapshot().commits("cfg"));
    }

    @Test
    void mirrorGc_isAskedAfterARunThatFetchedCommits_notAfterOneThatBroughtNothingOrFailed() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        assertEquals(1, f.gcs, "the start-up run fetched c1");
        clock.advance(Duration.ofSeconds(5));

        engine.trigger("cfg", "api", Set.of());
        engine.runDue();
        assertEquals(1, f.gcs, "a fetch that brought nothing wrote no pack");

        f.down(P, true);
        clock.advance(Duration.ofSeconds(5));
        engine.trigger("cfg", "api", Set.of());
        engine.runDue();
        assertEquals(1, f.gcs, "a run whose fetches all failed added no pack");
    }

    @Test
    void push_thatATimerRunAlreadyFetched_endsWithoutFetching() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        f.remote(P, "main", c2);
        clock.advance(Duration.ofSeconds(40));
        engine.runDue(); // the timer run is faster than the host's webhook
        assertEquals(Map.of("main", c2), report().commits());
        int fetches = f.fetches.size();
        clock.advance(Duration.ofSeconds(1));

        CompletableFuture<SyncResult> late = engine.trigger("cfg", "webhook", Set.of(c2), Set.of("refs/heads/main"));
        engine.runDue();

        assertEquals(Optional.empty(), late.join().error());
        assertFalse(late.join().changed());
        assertEquals(fetches, f.fetches.size());
        assertEquals(List.of(), f.refFetches);
    }

    @Test
    void wantedCommitMissing_runFails_thenArrivesAndSucceeds() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();

        CompletableFuture<SyncResult> first = engine.trigger("cfg", "webhook", Set.of(c2));
        clock.advance(Duration.ofMillis(500));
        engine.runDue();
        assertEquals(Optional.of("wanted commit " + c2 + " not found at any URL"), first.join().error());
        assertEquals(Set.of(c2), report().wantCommits());
        assertEquals(1, report().attemptCount());

        f.remote(P, "main", c2);
        clock.advance(Duration.ofSeconds(20));
        engine.runDue();
        assertEquals(Map.of("main", c2), report().commits());
        assertEquals(Set.of(), report().wantCommits());
        assertEquals(0, report().attemptCount());
    }

    @Test
    void primaryDown_mirrorAhead_fastForwardsAndStatusShowsBoth() {
        f.remote(P, "main", c1).remote(M, "main", c1);
        engine(List.of(repo("cfg", P, M))).prepare();
        engine.runDue();
        f.down(P, true).remote(M, "main", c2);

        clock.advance(Duration.ofSeconds(40));
        engine.runDue();

        RepoReport r = report();
        assertEquals(Map.of("main", c2), r.commits());
        assertEquals("ok", r.status().lastRefresh().orElseThrow().result());
        assertEquals(List.of("failed", "ok"), r.status().mirrors().stream().map(RepoStatus.MirrorStatus::result).toList());
        assertEquals(Optional.of(P), r.status().lastError().orElseThrow().url(), "the primary's error stays visible");
    }

    @Test
    void commitCheckRefusal_keepsLastGood_resultSaysWhy() {
        f.remote(P, "main", c1);
        engine(List.of(repo("cfg", P))).prepare();
        engine.runDue();
        f.remote(P, "main", c2);
        refuse.put(c2, "demo.yml: bad indentation");

        CompletableFuture<SyncResult> done = engine.trigger("cfg", "api", Set.of());
        clock.advance(Duration.ofMillis(500));
        engine.runDue();

        SyncResult r = done.join();
        assertFalse(r.changed());
        assertEquals(Map.of("main", c1), r.commits());
        String why = "commit check failed: IllegalStateException: demo.yml: bad indentation";
        assertEquals(Optional.of("label main: commit " + c2 + " refused: " + why), r.error());
        assertEquals(why, report().status().problems().get(0).problem());
        assertEquals("ok", report().status().lastRefresh().orElseThrow().result(), "the fetch itself worked");
    }

    @Test
    void throttledHost_secondRepositoryWaitsForTheWindow() {
        String p2 = "https://primary.example.com/other.git";
        f.remote(P, "main", c1).remote(p2, "main", c1);
        engine(List.of(repo("cfg", P), repo("other", p2)), "--throttle.per-domain-per-minute=1", "--sync.interval=10m").prepare();

        assertEquals(1, engine.runDue());
        assertEquals(Map.of(), state.snapshot().commits("other"));
        assertEquals(Optional.of(t0.plusSeconds(60)), engine.status("other").orElseThrow().nextAttempt());

        clock.advance(Duration.ofSeconds(60));
        assertEquals(1, engine.runDue());
        assertEquals(Map.of("main", c1), state.snapshot().commits("other"));
        assertEquals(2, metrics.counter("vortex_domain_requests_total", "", "domain").value("primary.example.com"));
    }

    @Test
    void fullReload_repairsDriftedStateAndCountsIt() {
        f.remote(P, "main", c2);
        engine(List.of(repo("cfg", P)), "--sync.interval=10h").prepare();
        engine.runDue();
        state.publish("cfg", new RepoState(Map.of("main", c1), report().status()));

        clock.set(t0.plus(Duration.ofHours(6)));
        engine.runDue();

        assertEquals(Map.of("main", c2), state.snapshot().commits("cfg"));
        FullReloadStats stats = engine.fullReloadStats();
        assertEquals(1, stats.count());
        assertEquals(1, stats.labelsChanged());
        assertEquals(1, stats.repos());
        assertEquals(Optional.of(t0.plus(Duration.ofHours(12))), stats.nextAt());
        assertEquals(1, metrics.counter("vortex_full_reload_total", "").value());
    }

    @Test
    void triggerAll_triggersEveryRepository() {
        f.remote(P, "main", c1).remote(M, "main", c1);
        engine(List.of(repo("cfg", P), repo("other", M))).prepare();
        engine.runDue();

        Map<String, CompletableFuture<SyncResult>> all = engine.triggerAll("signal");
        clock.advance(Duration.ofMillis(500));
        engine.runDue();

        assertEquals(List.of("cfg", "other"), List.copyOf(all.keySet()));
        assertTrue(all.values().stream().allMatch(CompletableFuture::isDone));
        assertEquals(2, metrics.counter("vortex_refresh_requests_total", "", "source").value("signal"));
    }

    @Test
    void unknownRepository_statusEmpty_triggerRefused() {
        engine(List.of(repo("cfg", P))).prepare();

        assertEquals(Optional.empty(), engine.status("nope"));
        try {
            engine.trigger("nope", "api", Set.of());
            throw new AssertionError("expected a refusal");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("nope"));
        }
    }
}
