package dev.vortex.sync;

import dev.vortex.config.VortexConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/** When a repository's next run is due, for each event of the scheduling table. */
final class Timing {
    private final Duration interval;
    private final double jitter;
    private final Duration debounce;
    private final Backoff backoff;
    private final RandomGenerator random;

    Timing(VortexConfig.Sync sync, RandomGenerator random) {
        this.interval = sync.interval();
        this.jitter = sync.jitter();
        this.debounce = sync.debounce();
        this.backoff = new Backoff(sync.backoffInitial(), sync.backoffMax());
        this.random = random;
    }

    /** now + interval ± jitter (uniform), so repositories configured together drift apart. */
    Instant afterSuccess(Instant now) {
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return now.plusNanos(Math.round(interval.toNanos() * factor));
    }

    Instant afterFailure(int attempt, Instant now) {
        return backoff.next(attempt, now);
    }

    /** The follow-up of a run that was triggered while in progress: one debounce after it ended. */
    Instant afterTrigger(Instant now) {
        return now.plus(debounce);
    }

    /**
     * When a trigger on a repository that is not running is due (leading edge): now, unless its last
     * run ended less than a debounce ago, then one debounce after that end (a burst is one run).
     *
     * @param lastEnd when the repository's last run ended, null if it never ran
     */
    Instant onTrigger(Instant now, Instant lastEnd) {
        if (lastEnd == null) {
            return now;
        }
        Instant quietFrom = lastEnd.plus(debounce);
        return now.isBefore(quietFrom) ? quietFrom : now;
    }
}
