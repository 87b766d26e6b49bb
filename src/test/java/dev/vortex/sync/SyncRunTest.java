package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.testing.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncRunTest {
    static final String P = "https://primary.example.com/cfg.git";
    static final String M = "https://mirror.example.org/cfg.git";

    private final FakeClock clock = new FakeClock();
    private final FakeFetcher fetcher = new FakeFetcher();
    private final DomainThrottle throttle = new DomainThrottle(5, 30, clock, new Metrics());

    static RepoConfig repo(String... urls) {
        return new RepoConfig("cfg", List.of(urls), List.of("*"), "main", List.of(), List.of(), Optional.empty());
    }

    private SyncRun run(Set<String> wants, String... urls) {
        return new SyncRun(repo(urls), wants, Set.of(), Map.of(), fetcher, throttle);
    }

    @Test
    void push_fetchesThePushedRefOnly_whenItBringsTheCommit() throws IOException {
        String c1 = fetcher.commit(null);
        fetcher.remote(P, "main", c1).remote(P, "dev", c1).fetchedBefore(P);
        String c2 = fetcher.commit(c1);
        String d2 = fetcher.commit(c1);
        fetcher.remote(P, "main", c2).remote(P, "dev", d2);
        SyncRun run = new SyncRun(repo(P, M), Set.of(c2), Set.of("refs/heads/main"),
                Map.of("refs/heads/main", c2, "refs/heads/dev", d2), fetcher, throttle);

        assertEquals(new SyncStep.TriedUrl(P, true, 1, Optional.empty()), run.step());
        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertEquals(List.of(P + " refs/heads/main"), fetcher.refFetches);
        assertEquals(List.of(Map.of("refs/heads/main", c2)), fetcher.announcements,
                "the announced commit goes with the pushed ref; one for a ref not fetched, or a commit not wanted, does not");
        assertEquals(0, fetcher.fetchCount(P), "the other refs wait for the next run");
        assertEquals(c2, fetcher.labels(P).get("main"));
        assertEquals(c1, fetcher.labels(P).get("dev"));
        assertTrue(run.primaryReached());
        assertEquals("refs", run.primaryFetch());
    }

    @Test
    void push_commitNotOnThePushedRef_fetchesEverythingInTheSameRun() throws IOException {
        String c1 = fetcher.commit(null);
        fetcher.remote(P, "main", c1).remote(P, "other", c1).fetchedBefore(P);
        String c2 = fetcher.commit(c1);
        fetcher.remote(P, "main", c2);
        SyncRun run = new SyncRun(repo(P), Set.of(c2), Set.of("refs/heads/other"), Map.of(), fetcher, throttle);

        assertTrue(((SyncStep.TriedUrl) run.step()).ok());
        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertEquals(1, fetcher.fetchCount(P));
        assertTrue(run.succeeded());
        assertEquals("all", run.primaryFetch());
    }

    @Test
    void push_refGoneFromTheRemote_fullFetchInTheSameRun() throws IOException {
        String c1 = fetcher.commit(null);
        fetcher.remote(P, "main", c1).fetchedBefore(P);
        String c2 = fetcher.commit(c1);
        fetcher.remote(P, "main", c2);
        SyncRun run = new SyncRun(repo(P), Set.of(c2), Set.of("refs/heads/deleted-since"), Map.of(), fetcher, throttle);

        SyncStep.TriedUrl tried = (SyncStep.TriedUrl) run.step();

        assertTrue(tried.ok(), tried.toString());
        assertEquals(1, fetcher.fetchCount(P));
        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertEquals("all", run.primaryFetch());
    }

    @Test
    void push_alreadyInTheMirror_completesWithoutFetching() throws IOException {
        String c1 = fetcher.commit(null);
        fetcher.remote(P, "main", c1).fetchedBefore(P);
        SyncRun run = new SyncRun(repo(P, M), Set.of(c1), Set.of("refs/heads/main"), Map.of(), fetcher, throttle);

        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertEquals(List.of(), fetcher.refFetches);
        assertEquals(List.of(), fetcher.fetches);
        assertTrue(run.succeeded());
        assertTrue(run.primaryReached(), "the primary's refs already say where the push went");
        assertEquals("none", run.primaryFetch());
    }

    @Test
    void push_commitPresentButRefElsewhere_fetchesTheRef() throws IOException {
        String c1 = fetcher.commit(null);
        String c2 = fetcher.commit(c1);
        fetcher.remote(P, "main", c1).remote(P, "dev", c2).fetchedBefore(P);
        fetcher.remote(P, "main", c2);
        SyncRun run = new SyncRun(repo(P), Set.of(c2), Set.of("refs/heads/main"), Map.of(), fetcher, throttle);

        assertTrue(((SyncStep.TriedUrl) run.step()).ok());
        assertEquals(List.of(P + " refs/heads/main"), fetcher.refFetches);
        assertEquals(c2, fetcher.labels(P).get("main"));
    }

    @Test
    void primaryOk_triedThenComplete() {
        fetcher.remote(P, "main", fetcher.commit(null));
        SyncRun run = run(Set.of(), P, M);

        assertEquals(new SyncStep.TriedUrl(P, true, 1, Optional.empty()), run.step());
        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertTrue(run.succeeded());
        assertTrue(run.primaryReached());
        assertEquals(List.of(P), List.copyOf(run.tried().keySet()), "the mirror is not needed");
    }

    @Test
    void primaryDown_mirrorTriedNext() {
        fetcher.remote(M, "main", fetcher.commit(null)).down(P, true);
        SyncRun run = run(Set.of(), P, M);

        SyncStep.TriedUrl first = (SyncStep.TriedUrl) run.step();
        assertFalse(first.ok());
        assertEquals(Optional.of("fetch " + P + " (primary): connection refused"), first.error());
        assertEquals(new SyncStep.TriedUrl(M, true, 1, Optional.empty()), run.step());
        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertTrue(run.succeeded());
        assertFalse(run.primaryReached());
    }

    @Test
    void everyUrlDown_noMoreUrls() {
        fetcher.down(P, true).down(M, true);
        SyncRun run = run(Set.of(), P, M);

        run.step();
        SyncStep.TriedUrl second = (SyncStep.TriedUrl) run.step();
        assertEquals(Optional.of("fetch " + M + " (mirror 2 of 2): connection refused"), second.error());
        assertInstanceOf(SyncStep.NoMoreUrls.class, run.step());
        assertFalse(run.succeeded());
    }

    @Test
    void wantedCommitMissingAtPrimary_mirrorTried_thenComplete() {
        String c1 = fetcher.commit(null);
        String c2 = fetcher.commit(c1);
        fetcher.remote(P, "main", c1).remote(M, "main", c2);
        SyncRun run = run(Set.of(c2), P, M);

        assertTrue(((SyncStep.TriedUrl) run.step()).ok());
        assertEquals(Set.of(c2), run.missingWants());
        assertEquals(M, ((SyncStep.TriedUrl) run.step()).url());
        assertInstanceOf(SyncStep.Complete.class, run.step());
        assertEquals(Set.of(), run.missingWants());
    }

    @Test
    void wantedCommitNowhere_noMoreUrlsAndNotSucceeded() {
        fetcher.remote(P, "main", fetcher.commit(null));
        SyncRun run = run(Set.of("f".repeat(40)), P);

        run.step();
        assertInstanceOf(SyncStep.NoMoreUrls.class, run.step());
        assertTrue(run.anyFetchOk());
        assertFalse(run.succeeded());
    }

    @Test
    void primaryHostThrottled_mirrorHostWithCapacityFirst() {
        for (int i = 0; i < 30; i++) {
            throttle.tryAcquire("primary.example.com").orElseThrow().close();
        }
        fetcher.remote(M, "main", fetcher.commit(null));
        SyncRun run = run(Set.of(), P, M);

        assertEquals(M, ((SyncStep.TriedUrl) run.step()).url());
        assertInstanceOf(SyncStep.Complete.class, run.step());
    }

    @Test
    void everyHostThrottled_waitsForTheShortest() {
        for (int i = 0; i < 30; i++) {
            throttle.tryAcquire("primary.example.com").orElseThrow().close();
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 30; i++) {
            throttle.tryAcquire("mirror.example.org").orElseThrow().close();
        }
        fetcher.down(P, true).down(M, true);
        SyncRun run = run(Set.of(), P, M);

        assertEquals(new SyncStep.Throttled(Duration.ofSeconds(50)), run.step());
        clock.advance(Duration.ofSeconds(50));
        assertEquals(P, ((SyncStep.TriedUrl) run.step()).url());
        assertEquals(new SyncStep.Throttled(Duration.ofSeconds(10)), run.step(), "only the mirror's host is left");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(M, ((SyncStep.TriedUrl) run.step()).url());
        assertInstanceOf(SyncStep.NoMoreUrls.class, run.step());
    }

    @Test
    void twoMirrorsOnOneHost_takeTurnsAcrossRuns() {
        String m2 = "https://mirror.example.org/cfg-copy.git";
        fetcher.down(P, true).down(M, true).down(m2, true);
        List<String> secondTried = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SyncRun run = run(Set.of(), P, M, m2);
            run.step();
            secondTried.add(((SyncStep.TriedUrl) run.step()).url());
        }

        assertEquals(List.of(M, m2), secondTried);
    }

    @Test
    void fetcherThrowsRuntimeException_isAFailedUrl() {
        fetcher.crash(P);
        SyncRun run = run(Set.of(), P);

        SyncStep.TriedUrl t = (SyncStep.TriedUrl) run.step();
        assertFalse(t.ok());
        assertEquals(0, throttle.inFlight("primary.example.com"), "the permit was released");
    }

    @Test
    void urlWithCredentials_isRedactedInSteps() throws IOException {
        String secret = "https://bob:tok@primary.example.com/cfg.git";
        fetcher.down(secret, true);
        SyncRun run = run(Set.of(), secret);

        SyncStep.TriedUrl t = (SyncStep.TriedUrl) run.step();
        assertEquals(P, t.url());
        assertFalse(t.error().orElseThrow().contains("tok"));
    }
}
