package dev.vortex.ops;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed authentication attempts per client address: after {@code max} failures within
 * {@code window}, the address is refused for {@code block}. The table is bounded (oldest entry
 * dropped first), so a flood of addresses costs bounded memory. Time comes from the clock given.
 */
public final class AttemptLimiter {
    private final InstantSource clock;
    private final int max;
    private final long windowMillis;
    private final long blockMillis;
    private final int capacity;
    private final Map<String, Entry> table = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry {
        long windowStart;
        int failures;
        long blockedUntil;
    }

    public AttemptLimiter(InstantSource clock, int max, Duration window, Duration block, int capacity) {
        this.clock = clock;
        this.max = max;
        this.windowMillis = window.toMillis();
        this.blockMillis = block.toMillis();
        this.capacity = capacity;
    }

    /** {@code max} failures a minute, then a minute's block; at most 10 000 addresses remembered. */
    public static AttemptLimiter perMinute(InstantSource clock, int max) {
        return new AttemptLimiter(clock, max, Duration.ofMinutes(1), Duration.ofMinutes(1), 10_000);
    }

    /** Seconds the address must still wait (≥ 1), or 0 when it may try. */
    public synchronized long retryAfterSeconds(String address) {
        Entry e = table.get(address);
        long now = clock.millis();
        if (e == null || e.blockedUntil <= now) {
            return 0;
        }
        return Math.max(1, (e.blockedUntil - now + 999) / 1000);
    }

    public synchronized void failed(String address) {
        long now = clock.millis();
        Entry e = table.computeIfAbsent(address, a -> new Entry());
        if (now - e.windowStart >= windowMillis) {
            e.windowStart = now;
            e.failures = 0;
        }
        if (++e.failures >= max) {
            e.blockedUntil = now + blockMillis;
            e.failures = 0;
            e.windowStart = now;
        }
        if (table.size() > capacity) {
            var it = table.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    synchronized int size() {
        return table.size();
    }
}
