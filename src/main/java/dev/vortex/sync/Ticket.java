package dev.vortex.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A scheduled run in the {@code DelayQueue}. Rescheduling puts a new ticket with a higher
 * generation; the old one stays queued and is dropped when taken (stale). The delay reads the
 * injected clock, so tests advance a fake clock and {@code poll()}.
 *
 * @param key the repository name, or {@link FullReloadTimer#KEY}
 */
record Ticket(String key, Instant dueAt, long generation, InstantSource clock) implements Delayed {

    @Override
    public long getDelay(TimeUnit unit) {
        Duration d = Duration.between(clock.instant(), dueAt);
        return unit.convert(d.isNegative() ? Duration.ZERO : d);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other instanceof Ticket t) {
            int c = dueAt.compareTo(t.dueAt);
            return c != 0 ? c : Long.compare(generation, t.generation);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ticket t && key.equals(t.key) && dueAt.equals(t.dueAt) && generation == t.generation;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Long.hashCode(generation);
    }
}
