package dev.vortex.sync;

import dev.vortex.ops.Log;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The full reload timer: runs the full reload every {@code period} (zero: never), the next period
 * counted from the end of the last one. Its tickets share the {@link Dispatcher} (and its run slots)
 * with the repositories' runs.
 */
final class FullReloadTimer {
    /** The ticket key of the full reload (not a valid repository name). */
    static final String KEY = "*full-reload";
    private static final Log LOG = Log.of(FullReloadTimer.class);

    /** Run {@code reload} every {@code period}; {@link Duration#ZERO} disables it. */
    record Plan(Duration period, Runnable reload) {
    }

    private final Plan plan;
    private final Dispatcher dispatcher;
    private final InstantSource clock;
    private long generation;
    private Instant nextDue;
    private boolean stopped;

    FullReloadTimer(Plan plan, Dispatcher dispatcher, InstantSource clock) {
        this.plan = plan;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /** Schedules the first full reload one period after {@code start}, unless disabled. */
    synchronized void scheduleFirst(Instant start) {
        if (!plan.period().isZero()) {
            schedule(start.plus(plan.period()));
        }
    }

    /** The job for a taken ticket of the timer; null when the ticket is stale or the timer stopped. */
    synchronized Dispatcher.Job claim(Ticket t) {
        if (t.generation() != generation || stopped) {
            return null;
        }
        nextDue = null;
        return new Dispatcher.Job(this::runAndReschedule, () -> { });
    }

    private void runAndReschedule() {
        try {
            plan.reload().run();
        } catch (RuntimeException ex) {
            LOG.error("full reload failed", ex);
        } finally {
            synchronized (this) {
                if (!stopped) {
                    schedule(clock.instant().plus(plan.period()));
                }
            }
        }
    }

    /** The next due time; empty when disabled, running or stopped. */
    synchronized Optional<Instant> next() {
        return Optional.ofNullable(nextDue);
    }

    synchronized void stop() {
        stopped = true;
        nextDue = null;
    }

    private void schedule(Instant at) {
        nextDue = at;
        generation = dispatcher.put(KEY, at);
    }
}
