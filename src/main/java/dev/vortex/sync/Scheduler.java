package dev.vortex.sync;

import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.PushTimeline;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When each repository runs. Implements the event table of ARCHITECTURE.md "Sync engine": success →
 * interval ± jitter, failure → backoff, trigger on an idle repository → attempts reset and the run
 * starts at once (leading edge), trigger during a run or within a debounce after one → exactly one
 * follow-up run a debounce after it ended (a burst is one run). Every (re)schedule puts a
 * {@link Ticket} in the {@link Dispatcher}; the entry keeps the newest generation and older tickets
 * are dropped when taken. The {@link FullReloadTimer} shares the dispatcher's run slots. Tests call
 * {@link #runDue()} after advancing a fake clock instead of starting the dispatcher thread.
 */
final class Scheduler {
    private static final Log LOG = Log.of(Scheduler.class);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

    /** Runs one repository; called on a run thread, must not throw. */
    interface Runner {
        RunOutcome run(RunRequest request);
    }

    /** How long before a run of {@code repo} could fetch anything (every host of its URLs at its limit); zero to run now. */
    interface Gate {
        Duration waitBeforeRun(String repo);
    }

    /** How runs start: at most {@code maxConcurrent} at once on {@code executor}, each after {@code gate} lets it, through {@code runner}. */
    record Runs(int maxConcurrent, Executor executor, Gate gate, Runner runner) {
    }

    /**
     * @param trigger   what asked for this run, comma-joined, {@code timer} when nothing did
     * @param refs      refs a push named, to fetch first (empty: fetch everything)
     * @param announced ref → the commit a push announced for it, for refs of {@code refs} that have one
     */
    record RunRequest(String repo, String trigger, Set<String> wantCommits, Set<String> refs, Map<String, String> announced) {
    }

    record RunOutcome(boolean success, SyncResult result, Set<String> missingWants) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, SyncEntry> entries = new LinkedHashMap<>();
    private final Timing timing;
    private final InstantSource clock;
    private final Runner runner;
    private final Gate gate;
    private final Dispatcher dispatcher;
    private final FullReloadTimer fullReload;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private final Metrics.Gauge attempts;
    private final Metrics.Counter refreshRequests;
    private boolean stopping;

    /** A scheduler without repositories; {@link #add} each. */
    Scheduler(Timing timing, InstantSource clock, Runs runs, FullReloadTimer.Plan fullReload, Metrics metrics) {
        this.timing = timing;
        this.clock = clock;
        this.runner = runs.runner();
        this.gate = runs.gate();
        this.dispatcher = new Dispatcher(runs.maxConcurrent(), runs.executor(), clock, this::claim);
        this.fullReload = new FullReloadTimer(fullReload, dispatcher, clock);
        this.attempts = metrics.gauge("vortex_repo_attempts", "Failed sync runs in a row", "repo");
        this.refreshRequests = metrics.counter("vortex_refresh_requests_total", "Refresh triggers by source", "source");
        metrics.gauge("vortex_sync_queue_size", "Repositories due for a sync and waiting for a free run slot", this::dueWaiting);
        for (String source : List.of("api", "webhook", "sighup", "peer", "resync")) {
            metrics.startAtZero("vortex_refresh_requests_total", source);
        }
    }

    /**
     * Adds {@code repo} to the schedule (nothing when it is there). Before {@link #scheduleInitial} it
     * gets its first run with the others; added later, it runs when first {@link #trigger triggered}.
     */
    void add(String repo) {
        lock.lock();
        try {
            if (entries.putIfAbsent(repo, new SyncEntry(repo)) == null) {
                attempts.set(0, repo);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code repo} off the schedule (a template's repository whose remote does not exist); its waiters are answered. */
    void remove(String repo) {
        List<CompletableFuture<SyncResult>> pending;
        lock.lock();
        try {
            SyncEntry e = entries.remove(repo);
            if (e == null) {
                return;
            }
            pending = e.waiters;
            e.waiters = new ArrayList<>();
            attempts.remove(repo);
        } finally {
            lock.unlock();
        }
        pending.forEach(w -> w.complete(SyncResult.failed("repository " + repo + " removed")));
    }

    /** Schedules every repository's first run at {@code at} and the first full reload one period later. */
    void scheduleInitial(Instant at, String source) {
        lock.lock();
        try {
            for (SyncEntry e : entries.values()) {
                e.sources.add(source);
                schedule(e, at);
            }
            fullReload.scheduleFirst(at);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks for a run of {@code repo} soon. The future completes when a run that started after this
     * call ends (never the run already in progress, which may have fetched before the push).
     */
    CompletableFuture<SyncResult> trigger(String repo, String source, Set<String> wantCommits, Set<String> refs) {
        SyncEntry e = entry(repo);
        PushTimeline.begin(repo, "trigger " + source);
        refreshRequests.inc(source);
        CompletableFuture<SyncResult> done = new CompletableFuture<>();
        boolean open = !gate.waitBeforeRun(repo).isPositive();
        Dispatcher.Job now = null;
        lock.lock();
        try {
            if (stopping) {
                done.complete(SyncResult.failed("vortexd is shutting down"));
                return done;
            }
            e.attemptCount = 0;
            attempts.set(0, repo);
            e.wants.add(wantCommits, refs);
            e.waiters.add(done);
            e.sources.add(source);
            if (e.inProgress) {
                e.dirty = true;
            } else {
                Instant at = clock.instant();
                Instant due = timing.onTrigger(at, e.lastEnd);
                if (open && !due.isAfter(at) && dispatcher.tryReserve()) {
                    // due now with a free slot: started from here, not by waking the dispatcher thread to take a ticket
                    e.generation = dispatcher.nextGeneration();
                    now = start(e);
                } else if (e.nextAttempt == null || due.isBefore(e.nextAttempt)) {
                    schedule(e, due);
                }
            }
        } finally {
            lock.unlock();
        }
        if (now != null) {
            dispatcher.startReserved(now);
        }
        return done;
    }

    private SyncEntry entry(String repo) {
        lock.lock();
        try {
            SyncEntry e = entries.get(repo);
            if (e == null) {
                throw new IllegalArgumentException("unknown repository \"" + repo + "\" (configured: " + entries.keySet() + ")");
            }
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** Starts every run that is due now and has a free slot; returns how many started. For tests (no dispatcher thread). */
    int runDue() {
        return dispatcher.runDue();
    }

    /** Starts the dispatcher thread. */
    void start() {
        dispatcher.start();
    }

    /** What a taken ticket runs: the full reload, a repository's run, or nothing (stale, postponed, stopping). */
    private Dispatcher.Job claim(Ticket t) {
        if (t.key().equals(FullReloadTimer.KEY)) {
            return fullReload.claim(t);
        }
        Duration wait = gate.waitBeforeRun(t.key());
        lock.lock();
        try {
            SyncEntry e = entries.get(t.key());
            if (e == null || t.generation() != e.generation || e.inProgress || stopping) {
                return null; // stale: rescheduled since, or claimed by a full reload
            }
            if (wait.isPositive()) {
                schedule(e, clock.instant().plus(wait)); // every host is at its limit: do not hold a slot sleeping
                return null;
            }
            return start(e);
        } finally {
            lock.unlock();
        }
    }

    /** Marks {@code e} running and returns its run (holding the lock). */
    private Dispatcher.Job start(SyncEntry e) {
        e.inProgress = true;
        e.nextAttempt = null;
        PushTimeline.mark(e.repo, "dispatched");
        WantedCommits.Pushed pushed = e.wants.takeRefs();
        RunRequest request = new RunRequest(e.repo, e.sources.isEmpty() ? "timer" : String.join(",", e.sources),
                e.wants.commits(), pushed.refs(), pushed.announced());
        List<CompletableFuture<SyncResult>> waiters = e.waiters;
        e.waiters = new ArrayList<>();
        e.sources.clear();
        return new Dispatcher.Job(() -> runAndFinish(e, request, waiters), () -> finish(e, request,
                new RunOutcome(false, SyncResult.failed("vortexd is shutting down"), request.wantCommits()), waiters));
    }

    private void runAndFinish(SyncEntry e, RunRequest request, List<CompletableFuture<SyncResult>> waiters) {
        running.add(Thread.currentThread());
        RunOutcome outcome;
        try {
            outcome = runner.run(request);
        } catch (RuntimeException | Error ex) {
            LOG.error("sync run crashed", ex, "repo", request.repo());
            outcome = new RunOutcome(false, SyncResult.failed("sync run crashed: " + ex), request.wantCommits());
        } finally {
            running.remove(Thread.currentThread());
        }
        finish(e, request, outcome, waiters);
    }

    private void finish(SyncEntry e, RunRequest request, RunOutcome outcome, List<CompletableFuture<SyncResult>> waiters) {
        lock.lock();
        try {
            e.inProgress = false;
            Instant now = clock.instant();
            e.lastEnd = now;
            for (String w : e.wants.settle(request.wantCommits(), outcome.missingWants())) {
                LOG.warn("wanted commit never arrived, given up", "repo", e.repo, "commit", w, "runs", WantedCommits.MAX_MISSES);
            }
            Instant next;
            if (e.dirty) {
                e.dirty = false;
                e.attemptCount = 0;
                next = timing.afterTrigger(now);
            } else if (outcome.success()) {
                e.attemptCount = 0;
                next = timing.afterSuccess(now);
            } else {
                e.attemptCount++;
                next = timing.afterFailure(e.attemptCount, now);
            }
            attempts.set(e.attemptCount, e.repo);
            if (!stopping) {
                schedule(e, next);
            }
        } finally {
            lock.unlock();
        }
        waiters.forEach(w -> w.complete(outcome.result()));
        PushTimeline.mark(e.repo, "waiters answered");
    }

    /**
     * Marks every idle repository as in progress (for a full reload) and returns their names; runs
     * of these wait until {@link #release}. Repositories mid-run are left out: their run publishes anyway.
     */
    List<String> claimIdle() {
        lock.lock();
        try {
            List<String> claimed = new ArrayList<>();
            for (SyncEntry e : entries.values()) {
                if (!e.inProgress) {
                    e.inProgress = true;
                    claimed.add(e.repo);
                }
            }
            return claimed;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a {@link #claimIdle} claim: each repository runs when it was due (now if that passed), or after the debounce if triggered meanwhile. */
    void release(List<String> claimed) {
        lock.lock();
        try {
            Instant now = clock.instant();
            for (String repo : claimed) {
                SyncEntry e = entries.get(repo);
                if (e == null) {
                    continue; // removed while claimed
                }
                e.inProgress = false;
                if (stopping) {
                    continue;
                }
                if (e.dirty) {
                    e.dirty = false;
                    e.attemptCount = 0;
                    schedule(e, timing.afterTrigger(now));
                } else {
                    schedule(e, e.nextAttempt == null || e.nextAttempt.isBefore(now) ? now : e.nextAttempt);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    Optional<SyncEntry.View> view(String repo) {
        lock.lock();
        try {
            return Optional.ofNullable(entries.get(repo)).map(SyncEntry::view);
        } finally {
            lock.unlock();
        }
    }

    /** The full reload's next due time, empty when disabled or stopped. */
    Optional<Instant> nextFullReload() {
        return fullReload.next();
    }

    /**
     * Stops: no new run starts and pending triggers are answered; runs in progress may finish
     * within {@code grace}, then they are interrupted (a fetch blocked on a socket gives up).
     * Returns true when every run ended.
     */
    boolean stop(Duration grace) throws InterruptedException {
        List<CompletableFuture<SyncResult>> pending = new ArrayList<>();
        lock.lock();
        try {
            stopping = true;
            fullReload.stop();
            for (SyncEntry e : entries.values()) {
                pending.addAll(e.waiters);
                e.waiters = new ArrayList<>();
                e.nextAttempt = null;
            }
        } finally {
            lock.unlock();
        }
        pending.forEach(w -> w.complete(SyncResult.failed("vortexd is shutting down")));
        dispatcher.stop(grace);
        if (dispatcher.awaitIdle(grace)) {
            return true;
        }
        LOG.warn("cancelling sync runs still in progress after the grace period", "runs", running.size(), "grace_ms", grace.toMillis());
        running.forEach(Thread::interrupt);
        return dispatcher.awaitIdle(CANCEL_WAIT);
    }

    /** Due repositories not yet started (waiting for a slot). */
    private double dueWaiting() {
        lock.lock();
        try {
            Instant now = clock.instant();
            return entries.values().stream().filter(e -> !e.inProgress && e.nextAttempt != null && !e.nextAttempt.isAfter(now)).count();
        } finally {
            lock.unlock();
        }
    }

    private void schedule(SyncEntry e, Instant at) {
        e.nextAttempt = at;
        e.generation = dispatcher.put(e.repo, at);
    }
}
