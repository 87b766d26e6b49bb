package dev.vortex.sync;

import dev.vortex.ops.Log;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link DelayQueue} loop: holds the {@link Ticket}s, and one dispatcher thread takes each due
 * ticket, asks its owner ({@link Claims}) what to run for it, and starts that on the run executor, at
 * most {@code maxConcurrent} at once. Which tickets are stale is the owner's business: every put gets
 * a new generation, and the owner remembers the live one. Tests call {@link #runDue()} after advancing
 * a fake clock instead of starting the thread.
 */
final class Dispatcher {
    private static final Log LOG = Log.of(Dispatcher.class);

    /** What a due ticket starts: {@code run} on a run thread, or {@code rejected} when the executor refuses it. */
    record Job(Runnable run, Runnable rejected) {
    }

    /** Decides what a taken ticket runs; null when nothing (stale, postponed, or stopping). */
    interface Claims {
        Job claim(Ticket ticket);
    }

    private final DelayQueue<Ticket> queue = new DelayQueue<>();
    private final AtomicLong generations = new AtomicLong();
    private final Semaphore slots;
    private final int maxConcurrent;
    private final Executor executor;
    private final InstantSource clock;
    private final Claims claims;
    private volatile boolean stopping;
    private volatile Thread thread;

    Dispatcher(int maxConcurrent, Executor executor, InstantSource clock, Claims claims) {
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        this.executor = executor;
        this.clock = clock;
        this.claims = claims;
    }

    /** Queues a ticket for {@code key} due {@code at}; returns its generation (newer than every earlier one). */
    long put(String key, Instant at) {
        long generation = generations.incrementAndGet();
        queue.add(new Ticket(key, at, generation, clock));
        return generation;
    }

    /** A generation newer than every ticket queued: the owner's entry that takes it drops its queued tickets. */
    long nextGeneration() {
        return generations.incrementAndGet();
    }

    /**
     * Takes a free slot for a job started without a ticket ({@link #startReserved}); false when none
     * is free, when stopping, or before the dispatcher thread started (tests start jobs by {@link #runDue()} only).
     */
    boolean tryReserve() {
        return thread != null && !stopping && slots.tryAcquire();
    }

    /** Starts {@code job} in the slot {@link #tryReserve} took. */
    void startReserved(Job job) {
        launch(job);
    }

    /** Starts every job that is due now and has a free slot; returns how many started. For tests (no dispatcher thread). */
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
        thread = Thread.ofPlatform().name("vortex-sync-dispatcher").daemon().start(this::loop);
    }

    private void loop() {
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

    /** Called holding one slot; gives it back unless a job started with it (the job gives it back when it ends). */
    private boolean dispatch(Ticket t) {
        Job job = claims.claim(t);
        if (job == null) {
            slots.release();
            return false;
        }
        return launch(job);
    }

    /** Runs {@code job} on the executor in a slot already held; gives the slot back when it ends or is refused. */
    private boolean launch(Job job) {
        try {
            executor.execute(() -> {
                try {
                    job.run().run();
                } finally {
                    slots.release();
                }
            });
        } catch (RejectedExecutionException ex) {
            try {
                job.rejected().run();
            } finally {
                slots.release();
            }
            return false;
        }
        return true;
    }

    /** Drops every queued ticket and stops the dispatcher thread (waiting at most {@code wait} for it); jobs running go on. */
    void stop(Duration wait) throws InterruptedException {
        stopping = true;
        queue.clear();
        if (thread != null) {
            thread.interrupt();
            thread.join(Math.max(1, wait.toMillis()));
        }
    }

    /** Waits at most {@code wait} until no job runs; true when none does. */
    boolean awaitIdle(Duration wait) throws InterruptedException {
        return slots.tryAcquire(maxConcurrent, wait.toNanos(), TimeUnit.NANOSECONDS);
    }
}
