package dev.vortex.sync;

import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
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
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When each repository runs. Implements the event table of ARCHITECTURE.md "Sync engine": success →
 * interval ± jitter, failure → backoff, trigger on an idle repository → attempts reset and the run
 * starts at once (leading edge), trigger during a run or within a debounce after one → exactly one
 * follow-up run a debounce after it ended (a burst is one run). Every (re)schedule puts a
 * {@link Ticket} in a {@link DelayQueue}; the entry keeps the newest generation and older tickets
 * are dropped when taken. One dispatcher thread takes due tickets and starts each run on the run
 * executor (a virtual thread each), at most {@code maxConcurrent} at once. Tests call
 * {@link #runDue()} after advancing a fake clock instead of starting the dispatcher.
 */
final class Scheduler {
    /** The ticket key of the full reload timer (not a valid repository name). */
    static final String FULL_RELOAD = "*full-reload";
    /** Runs a wanted commit may be missing before it is given up (a webhook may name a commit that never comes). */
    static final int WANT_ATTEMPTS = 5;
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

    /**
     * @param trigger what asked for this run, comma-joined, {@code timer} when nothing did
     * @param refs    refs a push named, to fetch first (empty: fetch everything)
     */
    record RunRequest(String repo, String trigger, Set<String> wantCommits, Set<String> refs) {
    }

    record RunOutcome(boolean success, SyncResult result, Set<String> missingWants) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, SyncEntry> entries = new LinkedHashMap<>();
    private final DelayQueue<Ticket> queue = new DelayQueue<>();
    private final Semaphore slots;
    private final int maxConcurrent;
    private final Timing timing;
    private final InstantSource clock;
    private final Executor executor;
    private final Runner runner;
    private final Gate gate;
    private final Runnable fullReload;
    private final Duration fullReloadEvery;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private final Metrics.Gauge attempts;
    private final Metrics.Counter refreshRequests;
    private long generations;
    private long fullReloadGeneration;
    private volatile boolean stopping;
    private Thread dispatcher;

    Scheduler(List<String> repos, Timing timing, int maxConcurrent, InstantSource clock, Executor executor, Runner runner,
              Gate gate, Runnable fullReload, Duration fullReloadEvery, Metrics metrics) {
        repos.forEach(r -> entries.put(r, new SyncEntry(r)));
        this.timing = timing;
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        this.clock = clock;
        this.executor = executor;
        this.runner = runner;
        this.gate = gate;
        this.fullReload = fullReload;
        this.fullReloadEvery = fullReloadEvery;
        this.attempts = metrics.gauge("vortex_repo_attempts", "Failed sync runs in a row", "repo");
        this.refreshRequests = metrics.counter("vortex_refresh_requests_total", "Refresh triggers by source", "source");
        metrics.gauge("vortex_sync_queue_size", "Repositories due for a sync and waiting for a free run slot", this::dueWaiting);
        repos.forEach(r -> attempts.set(0, r));
        for (String source : List.of("api", "webhook", "sighup")) {
            metrics.startAtZero("vortex_refresh_requests_total", source);
        }
    }

    /** Schedules every repository's first run at {@code at} and the first full reload one period later. */
    void scheduleInitial(Instant at, String source) {
        lock.lock();
        try {
            for (SyncEntry e : entries.values()) {
                e.sources.add(source);
                schedule(e, at);
            }
            if (!fullReloadEvery.isZero()) {
                scheduleFullReload(at.plus(fullReloadEvery));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks for a run of {@code repo} soon. The future completes when a run that started after this
     * call ends (never the run already in progress, which may have fetched before the push).
     */
    CompletableFuture<SyncResult> trigger(String repo, String source, Set<String> wantCommits, Set<String> refs) {
        SyncEntry e = entries.get(repo);
        if (e == null) {
            throw new IllegalArgumentException("unknown repository \"" + repo + "\" (configured: " + entries.keySet() + ")");
        }
        refreshRequests.inc(source);
        CompletableFuture<SyncResult> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (stopping) {
                done.complete(SyncResult.failed("vortexd is shutting down"));
                return done;
            }
            e.attemptCount = 0;
            attempts.set(0, repo);
            for (String w : wantCommits) {
                e.wantCommits.add(w);
                e.wantMisses.remove(w);
            }
            e.wantRefs.addAll(refs);
            e.waiters.add(done);
            e.sources.add(source);
            if (e.inProgress) {
                e.dirty = true;
            } else {
                Instant due = timing.onTrigger(clock.instant(), e.lastEnd);
                if (e.nextAttempt == null || due.isBefore(e.nextAttempt)) {
                    schedule(e, due);
                }
            }
        } finally {
            lock.unlock();
        }
        return done;
    }

    /** Starts every run that is due now and has a free slot; returns how many started. For tests (no dispatcher thread). */
    int runDue() {
        int started = 0;
        while (slots.tryAcquire()) {
            Ticket t = queue.poll();
            if (t == null) {
                slots.release();
                break;
            }
            if (dispatch(t)) {
                started++;
            }
        }
        return started;
    }

    /** Starts the dispatcher thread. */
    void start() {
        dispatcher = Thread.ofPlatform().name("vortex-sync-dispatcher").daemon().start(this::dispatchLoop);
    }

    private void dispatchLoop() {
        while (!stopping) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Ticket t;
            try {
                t = queue.take();
            } catch (InterruptedException e) {
                slots.release();
                return;
            }
            if (stopping) {
                slots.release();
                return;
            }
            try {
                dispatch(t);
            } catch (RuntimeException e) {
                LOG.error("sync dispatch failed", e, "ticket", t.key());
            }
        }
    }

    /** Called holding one slot; gives it back unless a run (or the full reload) started with it. */
    private boolean dispatch(Ticket t) {
        if (t.key().equals(FULL_RELOAD)) {
            return dispatchFullReload(t);
        }
        SyncEntry e = entries.get(t.key());
        Duration wait = gate.waitBeforeRun(t.key());
        RunRequest request;
        List<CompletableFuture<SyncResult>> waiters;
        lock.lock();
        try {
            if (e == null || t.generation() != e.generation || e.inProgress || stopping) {
                slots.release();
                return false; // stale: rescheduled since, or claimed by a full reload
            }
            if (wait.isPositive()) {
                schedule(e, clock.instant().plus(wait)); // every host is at its limit: do not hold a slot sleeping
                slots.release();
                return false;
            }
            e.inProgress = true;
            e.nextAttempt = null;
            request = new RunRequest(e.repo, e.sources.isEmpty() ? "timer" : String.join(",", e.sources), Set.copyOf(e.wantCommits),
                    Set.copyOf(e.wantRefs));
            waiters = e.waiters;
            e.waiters = new ArrayList<>();
            e.sources.clear();
            e.wantRefs.clear();
        } finally {
            lock.unlock();
        }
        try {
            executor.execute(() -> runAndFinish(e, request, waiters));
        } catch (RejectedExecutionException ex) {
            finish(e, request, new RunOutcome(false, SyncResult.failed("vortexd is shutting down"), request.wantCommits()), waiters);
            slots.release();
            return false;
        }
        return true;
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
        try {
            finish(e, request, outcome, waiters);
        } finally {
            slots.release();
        }
    }

    private void finish(SyncEntry e, RunRequest request, RunOutcome outcome, List<CompletableFuture<SyncResult>> waiters) {
        lock.lock();
        try {
            e.inProgress = false;
            Instant now = clock.instant();
            e.lastEnd = now;
            for (String w : e.settleWants(request.wantCommits(), outcome.missingWants(), WANT_ATTEMPTS)) {
                LOG.warn("wanted commit never arrived, given up", "repo", e.repo, "commit", w, "runs", WANT_ATTEMPTS);
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
    }

    private boolean dispatchFullReload(Ticket t) {
        lock.lock();
        try {
            if (t.generation() != fullReloadGeneration || stopping) {
                slots.release();
                return false;
            }
        } finally {
            lock.unlock();
        }
        Runnable job = () -> {
            try {
                fullReload.run();
            } catch (RuntimeException ex) {
                LOG.error("full reload failed", ex);
            } finally {
                lock.lock();
                try {
                    if (!stopping) {
                        scheduleFullReload(clock.instant().plus(fullReloadEvery));
                    }
                } finally {
                    lock.unlock();
                }
                slots.release();
            }
        };
        try {
            executor.execute(job);
        } catch (RejectedExecutionException ex) {
            slots.release();
            return false;
        }
        return true;
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
        lock.lock();
        try {
            return queue.stream().filter(t -> t.key().equals(FULL_RELOAD) && t.generation() == fullReloadGeneration)
                    .map(Ticket::dueAt).findFirst();
        } finally {
            lock.unlock();
        }
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
            for (SyncEntry e : entries.values()) {
                pending.addAll(e.waiters);
                e.waiters = new ArrayList<>();
                e.nextAttempt = null;
            }
            queue.clear();
        } finally {
            lock.unlock();
        }
        pending.forEach(w -> w.complete(SyncResult.failed("vortexd is shutting down")));
        if (dispatcher != null) {
            dispatcher.interrupt();
            dispatcher.join(Math.max(1, grace.toMillis()));
        }
        if (slots.tryAcquire(maxConcurrent, grace.toNanos(), TimeUnit.NANOSECONDS)) {
            return true;
        }
        LOG.warn("cancelling sync runs still in progress after the grace period", "runs", running.size(), "grace_ms", grace.toMillis());
        running.forEach(Thread::interrupt);
        return slots.tryAcquire(maxConcurrent, CANCEL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
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
        e.generation = ++generations;
        queue.add(new Ticket(e.repo, at, e.generation, clock));
    }

    private void scheduleFullReload(Instant at) {
        fullReloadGeneration = ++generations;
        queue.add(new Ticket(FULL_RELOAD, at, fullReloadGeneration, clock));
    }
}
