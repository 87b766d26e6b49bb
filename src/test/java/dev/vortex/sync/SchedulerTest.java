package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.ops.Metrics;
import dev.vortex.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The event table of ARCHITECTURE.md "Sync engine", with a fake clock and runs executed inline. */
class SchedulerTest {
    private final FakeClock clock = new FakeClock();
    private final Instant t0 = clock.instant();
    private final Metrics metrics = new Metrics();
    private final List<Scheduler.RunRequest> runs = new ArrayList<>();
    /** Outcomes the fake runner returns, in order; success when empty. */
    private final Deque<Boolean> outcomes = new ArrayDeque<>();
    private final Map<String, Duration> gateWaits = new HashMap<>();
    private Consumer<Scheduler.RunRequest> duringRun = r -> { };
    private Set<String> missing = Set.of();
    private int fullReloads;
    private Executor executor = Runnable::run;
    private Scheduler scheduler;

    private Scheduler scheduler(String... repos) {
        Scheduler.Runner runner = request -> {
            runs.add(request);
            duringRun.accept(request);
            boolean ok = outcomes.isEmpty() || outcomes.removeFirst();
            return new Scheduler.RunOutcome(ok, new SyncResult(false, Map.of(), 0, ok ? Optional.empty() : Optional.of("down")),
                    missing);
        };
        scheduler = new Scheduler(new Timing(TimingTest.sync(), new SplittableRandom(7)), clock,
                new Scheduler.Runs(2, r -> executor.execute(r), repo -> gateWaits.getOrDefault(repo, Duration.ZERO), runner),
                new FullReloadTimer.Plan(Duration.ofHours(6), () -> fullReloads++), metrics);
        List.of(repos).forEach(scheduler::add);
        return scheduler;
    }

    private SyncEntry.View view(String repo) {
        return scheduler.view(repo).orElseThrow();
    }

    private void advance(Duration d) {
        clock.advance(d);
    }

    @Test
    void initialSchedule_runsEveryRepositoryOnce() {
        scheduler("a", "b").scheduleInitial(t0, "startup");

        assertEquals(2, scheduler.runDue());
        assertEquals(List.of("startup", "startup"), runs.stream().map(Scheduler.RunRequest::trigger).toList());
        assertEquals(0, scheduler.runDue());
    }

    @Test
    void success_nextRunAfterIntervalWithinJitter() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();

        Duration next = Duration.between(t0, view("a").nextAttempt());
        assertTrue(next.compareTo(Duration.ofSeconds(27)) >= 0 && next.compareTo(Duration.ofSeconds(33)) <= 0, next.toString());
        assertEquals(0, view("a").attemptCount());
        advance(next.minusMillis(1));
        assertEquals(0, scheduler.runDue());
        advance(Duration.ofMillis(1));
        assertEquals(1, scheduler.runDue());
        assertEquals("timer", runs.get(1).trigger());
    }

    @Test
    void failures_backOff20s40s80s120s120s() {
        scheduler("a").scheduleInitial(t0, "startup");
        for (int i = 0; i < 6; i++) {
            outcomes.add(false);
        }
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            scheduler.runDue();
            Instant now = clock.instant();
            Duration d = Duration.between(now, view("a").nextAttempt());
            delays.add(d.toSeconds());
            advance(d);
        }

        assertEquals(List.of(20L, 40L, 80L, 120L, 120L), delays);
        assertEquals(5, view("a").attemptCount());
        assertEquals(5, metrics.gauge("vortex_repo_attempts", "", "repo").value("a"));
    }

    @Test
    void successAfterFailures_resetsAttempts() {
        scheduler("a").scheduleInitial(t0, "startup");
        outcomes.add(false);
        outcomes.add(false);
        scheduler.runDue();
        advance(Duration.ofSeconds(20));
        scheduler.runDue();
        assertEquals(2, view("a").attemptCount());
        advance(Duration.ofSeconds(40));

        scheduler.runDue();

        assertEquals(0, view("a").attemptCount());
    }

    @Test
    void burstOfTriggers_withinDebounce_yieldsOneRun() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        runs.clear();
        List<CompletableFuture<SyncResult>> futures = new ArrayList<>();

        for (int i = 0; i < 10; i++) {
            futures.add(scheduler.trigger("a", "webhook", Set.of(), Set.of()));
            advance(Duration.ofMillis(40));
        }
        advance(Duration.ofMillis(100)); // 500 ms after the first trigger
        scheduler.runDue();
        advance(Duration.ofSeconds(1));
        scheduler.runDue();

        assertEquals(1, runs.size());
        assertEquals("webhook", runs.get(0).trigger());
        assertTrue(futures.stream().allMatch(CompletableFuture::isDone), "every trigger of the burst is answered by the run");
        assertEquals(10, metrics.counter("vortex_refresh_requests_total", "", "source").value("webhook"));
    }

    @Test
    void trigger_bringsScheduledRunForward_andTheOldTicketIsDropped() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        Instant timerDue = view("a").nextAttempt();
        runs.clear();

        advance(Duration.ofSeconds(5));
        scheduler.trigger("a", "api", Set.of(), Set.of());
        assertEquals(clock.instant(), view("a").nextAttempt());
        assertEquals(1, scheduler.runDue());
        Instant afterTriggeredRun = view("a").nextAttempt();

        clock.set(timerDue);
        assertEquals(0, scheduler.runDue(), "the ticket of the old schedule is stale");
        assertEquals(1, runs.size());
        clock.set(afterTriggeredRun);
        assertEquals(1, scheduler.runDue());
    }

    @Test
    void singleTrigger_onIdleRepository_runsAtOnce() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        advance(Duration.ofSeconds(5));

        CompletableFuture<SyncResult> f = scheduler.trigger("a", "webhook", Set.of("c1"), Set.of());

        assertEquals(clock.instant(), view("a").nextAttempt(), "leading edge: no debounce before the first run");
        assertEquals(1, scheduler.runDue());
        assertTrue(f.isDone());
        assertEquals(Set.of("c1"), runs.get(1).wantCommits());
        assertEquals("webhook", runs.get(1).trigger());
    }

    @Test
    void trigger_beforeTheFirstRunEver_runsAtOnce() {
        scheduler("a").scheduleInitial(t0.plusSeconds(30), "startup");

        scheduler.trigger("a", "api", Set.of(), Set.of());

        assertEquals(1, scheduler.runDue());
    }

    @Test
    void dispatcherRunning_triggerOnIdleRepository_startsTheRunFromTheTriggerCall() throws Exception {
        List<Thread> startedOn = new ArrayList<>();
        executor = r -> {
            startedOn.add(Thread.currentThread());
            r.run();
        };
        scheduler("a", "b");
        scheduler.start();
        try {
            CompletableFuture<SyncResult> done = scheduler.trigger("a", "webhook", Set.of("c1"), Set.of("refs/heads/main"));

            assertTrue(done.isDone(), "the run started and ended inside trigger, without the dispatcher thread");
            assertEquals(List.of(Thread.currentThread()), startedOn);
            assertEquals(List.of("a"), runs.stream().map(Scheduler.RunRequest::repo).toList());
            assertEquals(Set.of("refs/heads/main"), runs.get(0).refs());

            gateWaits.put("b", Duration.ofSeconds(3)); // every host of b at its limit: queued, not started
            assertFalse(scheduler.trigger("b", "webhook", Set.of(), Set.of()).isDone());
            assertEquals(1, runs.size());

            advance(Duration.ofMillis(100)); // within a debounce after a's run: the dispatcher's follow-up, not a start from here
            assertFalse(scheduler.trigger("a", "api", Set.of(), Set.of()).isDone());
            assertEquals(1, runs.size());
            assertEquals(t0.plusMillis(500), view("a").nextAttempt());
        } finally {
            assertTrue(scheduler.stop(Duration.ofSeconds(5)));
        }
    }

    @Test
    void burst_onIdleRepository_firstRunsAtOnce_restCoalesceIntoOneFollowUp() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        advance(Duration.ofSeconds(5));
        runs.clear();
        List<CompletableFuture<SyncResult>> futures = new ArrayList<>();
        Instant firstEnd = clock.instant();

        for (int i = 0; i < 10; i++) {
            futures.add(scheduler.trigger("a", "webhook", Set.of(), Set.of()));
            scheduler.runDue();
            advance(Duration.ofMillis(40));
        }
        assertEquals(1, runs.size(), "the first trigger ran at once, the other nine wait");
        assertEquals(firstEnd.plusMillis(500), view("a").nextAttempt());
        clock.set(firstEnd.plusMillis(500));
        assertEquals(1, scheduler.runDue());
        advance(Duration.ofSeconds(1));
        assertEquals(0, scheduler.runDue());

        assertEquals(2, runs.size(), "a burst is the leading run and exactly one follow-up");
        assertTrue(futures.stream().allMatch(CompletableFuture::isDone), "every trigger of the burst is answered");
    }

    @Test
    void triggersDuringARun_coalesceIntoExactlyOneFollowUp() {
        scheduler("a").scheduleInitial(t0, "startup");
        duringRun = r -> {
            if (runs.size() == 1) {
                for (int i = 0; i < 3; i++) {
                    scheduler.trigger("a", "webhook", Set.of("c" + i), Set.of());
                }
            }
        };

        scheduler.runDue();
        assertEquals(t0.plusMillis(500), view("a").nextAttempt(), "one debounce after the run ended");
        scheduler.trigger("a", "api", Set.of(), Set.of()); // within the debounce after the run: the same follow-up
        assertEquals(t0.plusMillis(500), view("a").nextAttempt());
        advance(Duration.ofMillis(500));
        assertEquals(1, scheduler.runDue());
        advance(Duration.ofSeconds(2));
        assertEquals(0, scheduler.runDue());

        assertEquals(List.of("startup", "webhook,api"), runs.stream().map(Scheduler.RunRequest::trigger).toList());
        assertEquals(Set.of("c0", "c1", "c2"), runs.get(1).wantCommits());
    }

    @Test
    void triggerRightAfterARun_waitsUntilADebounceAfterItsEnd() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        advance(Duration.ofMillis(100));

        scheduler.trigger("a", "api", Set.of(), Set.of());

        assertEquals(t0.plusMillis(500), view("a").nextAttempt());
        advance(Duration.ofMillis(399));
        assertEquals(0, scheduler.runDue());
        advance(Duration.ofMillis(1));
        assertEquals(1, scheduler.runDue());
    }

    @Test
    void triggerWhileBackingOff_runsAtOnceWithAttemptsReset() {
        scheduler("a").scheduleInitial(t0, "startup");
        outcomes.add(false);
        scheduler.runDue();
        assertEquals(t0.plusSeconds(20), view("a").nextAttempt());
        advance(Duration.ofSeconds(5));

        scheduler.trigger("a", "api", Set.of(), Set.of());

        assertEquals(0, view("a").attemptCount());
        assertEquals(clock.instant(), view("a").nextAttempt(), "not at the end of the backoff");
        assertEquals(1, scheduler.runDue());
    }

    @Test
    void triggerOnIdleRepository_stillWaitsForTheThrottle() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        advance(Duration.ofSeconds(5));
        gateWaits.put("a", Duration.ofSeconds(3));

        scheduler.trigger("a", "webhook", Set.of(), Set.of());

        assertEquals(0, scheduler.runDue());
        assertEquals(clock.instant().plusSeconds(3), view("a").nextAttempt());
        gateWaits.clear();
        advance(Duration.ofSeconds(3));
        assertEquals(1, scheduler.runDue());
    }

    @Test
    void trigger_resetsAttemptsAndSkipsTheBackoff() {
        scheduler("a").scheduleInitial(t0, "startup");
        outcomes.add(false);
        outcomes.add(false);
        scheduler.runDue();
        advance(Duration.ofSeconds(20));
        scheduler.runDue();
        assertEquals(2, view("a").attemptCount());

        scheduler.trigger("a", "api", Set.of(), Set.of());

        assertEquals(0, view("a").attemptCount());
        assertEquals(clock.instant().plusMillis(500), view("a").nextAttempt(), "not 40 s later");
    }

    @Test
    void lateTrigger_duringFailedSync_runsAgainAfterDebounceWithoutBackoff() {
        scheduler("a").scheduleInitial(t0, "startup");
        List<CompletableFuture<SyncResult>> late = new ArrayList<>();
        duringRun = r -> {
            if (late.isEmpty()) {
                late.add(scheduler.trigger("a", "webhook", Set.of(), Set.of()));
                assertTrue(view("a").dirty());
            }
        };
        outcomes.add(false); // even a failed run is followed without backoff

        scheduler.runDue();

        assertFalse(late.get(0).isDone(), "the run in progress may have fetched before the push");
        assertFalse(view("a").dirty());
        assertEquals(0, view("a").attemptCount());
        assertEquals(clock.instant().plusMillis(500), view("a").nextAttempt());
        advance(Duration.ofMillis(500));
        scheduler.runDue();
        assertEquals(List.of("startup", "webhook"), runs.stream().map(Scheduler.RunRequest::trigger).toList());
        assertTrue(late.get(0).isDone());
    }

    @Test
    void trigger_futureCompletesWithTheRunsResult() {
        scheduler("a").scheduleInitial(t0.plusSeconds(30), "startup");
        CompletableFuture<SyncResult> f = scheduler.trigger("a", "api", Set.of(), Set.of());
        outcomes.add(false);
        advance(Duration.ofMillis(500));

        scheduler.runDue();

        assertEquals(Optional.of("down"), f.join().error());
    }

    @Test
    void wantedCommits_goToTheRun_andMissingOnesStayForTheNext() {
        scheduler("a").scheduleInitial(t0.plusSeconds(30), "startup");
        scheduler.trigger("a", "webhook", Set.of("c1", "c2"), Set.of());
        missing = Set.of("c2");
        outcomes.add(false);
        advance(Duration.ofMillis(500));

        scheduler.runDue();

        assertEquals(Set.of("c1", "c2"), runs.get(0).wantCommits());
        assertEquals(Set.of("c2"), view("a").wantCommits());
    }

    @Test
    void wantedCommitThatNeverArrives_isGivenUpAfterFiveRuns() {
        scheduler("a").scheduleInitial(t0.plusSeconds(30), "startup");
        scheduler.trigger("a", "webhook", Set.of("ghost"), Set.of());
        missing = Set.of("ghost");
        for (int i = 0; i < WantedCommits.MAX_MISSES; i++) {
            outcomes.add(false);
            clock.set(view("a").nextAttempt());
            scheduler.runDue();
        }

        assertEquals(Set.of(), view("a").wantCommits());
        missing = Set.of();
        clock.set(view("a").nextAttempt());
        scheduler.runDue();
        assertEquals(Set.of(), runs.get(runs.size() - 1).wantCommits());
    }

    @Test
    void maxConcurrent_limitsRunsInFlight() {
        List<Runnable> started = new ArrayList<>();
        executor = started::add;
        scheduler("a", "b", "c").scheduleInitial(t0, "startup");

        assertEquals(2, scheduler.runDue());
        assertEquals(1.0, metrics.scrape().lines().filter(l -> l.startsWith("vortex_sync_queue_size ")).findFirst()
                .map(l -> Double.parseDouble(l.split(" ")[1])).orElseThrow(), "one repository waits for a slot");
        assertEquals(0, scheduler.runDue());
        started.remove(0).run();
        assertEquals(1, scheduler.runDue());
        assertEquals(2, started.size(), "b's run and c's run wait on the executor");
    }

    @Test
    void gate_everyHostThrottled_postponesWithoutUsingASlot() {
        scheduler("a", "b").scheduleInitial(t0, "startup");
        gateWaits.put("a", Duration.ofSeconds(7));

        assertEquals(1, scheduler.runDue());
        assertEquals(List.of("b"), runs.stream().map(Scheduler.RunRequest::repo).toList());
        assertEquals(t0.plusSeconds(7), view("a").nextAttempt());
        gateWaits.clear();
        advance(Duration.ofSeconds(7));
        assertEquals(1, scheduler.runDue());
        assertEquals("startup", runs.get(1).trigger(), "a postponed run keeps its trigger");
    }

    @Test
    void fullReload_runsOnItsTimerAndAgainAfterItsPeriod() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        assertEquals(Optional.of(t0.plus(Duration.ofHours(6))), scheduler.nextFullReload());

        clock.set(t0.plus(Duration.ofHours(6)));
        scheduler.runDue();

        assertEquals(1, fullReloads);
        assertEquals(Optional.of(t0.plus(Duration.ofHours(12))), scheduler.nextFullReload());
    }

    @Test
    void claimedForReload_triggerMarksDirty_releaseRunsAfterDebounce() {
        scheduler("a", "b").scheduleInitial(t0.plusSeconds(1), "startup");
        List<String> claimed = scheduler.claimIdle();
        assertEquals(List.of("a", "b"), claimed);
        scheduler.trigger("a", "api", Set.of(), Set.of());
        advance(Duration.ofSeconds(2));
        assertEquals(0, scheduler.runDue(), "claimed repositories do not run");

        scheduler.release(claimed);

        assertEquals(clock.instant().plusMillis(500), view("a").nextAttempt());
        assertEquals(clock.instant(), view("b").nextAttempt(), "b was due during the reload: now");
        assertEquals(1, scheduler.runDue());
        advance(Duration.ofMillis(500));
        assertEquals(1, scheduler.runDue());
        assertEquals(List.of("b", "a"), runs.stream().map(Scheduler.RunRequest::repo).toList());
    }

    @Test
    void addedAfterStart_runsWhenTriggeredThenOnItsTimer() {
        scheduler("a").scheduleInitial(t0, "startup");
        scheduler.runDue();
        scheduler.add("b");
        assertEquals(0, view("b").attemptCount());
        assertEquals(null, view("b").nextAttempt(), "not scheduled until triggered");

        scheduler.trigger("b", "api", Set.of(), Set.of());
        assertEquals(1, scheduler.runDue());

        assertEquals(List.of("a", "b"), runs.stream().map(Scheduler.RunRequest::repo).toList());
        assertTrue(view("b").nextAttempt().isAfter(t0.plusSeconds(26)), "then on the interval: " + view("b").nextAttempt());
    }

    @Test
    void stop_answersPendingTriggersAndRefusesNewOnes() throws InterruptedException {
        scheduler("a").scheduleInitial(t0.plusSeconds(10), "startup");
        CompletableFuture<SyncResult> pending = scheduler.trigger("a", "api", Set.of(), Set.of());

        assertTrue(scheduler.stop(Duration.ofMillis(10)));

        assertEquals(Optional.of("vortexd is shutting down"), pending.join().error());
        assertEquals(Optional.of("vortexd is shutting down"), scheduler.trigger("a", "api", Set.of(), Set.of()).join().error());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(0, scheduler.runDue());
    }

    @Test
    void runnerThrows_isAFailedRunAndSchedulingGoesOn() {
        duringRun = r -> {
            throw new IllegalStateException("bug");
        };
        scheduler("a").scheduleInitial(t0, "startup");

        scheduler.runDue();

        assertEquals(1, view("a").attemptCount());
        assertEquals(t0.plusSeconds(20), view("a").nextAttempt());
    }
}
