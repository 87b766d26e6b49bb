package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    @Test
    void tenFailuresWithinAMinute_blockForAMinute_thenFree() {
        AttemptLimiter l = AttemptLimiter.perMinute(clock, 10);
        for (int i = 0; i < 9; i++) {
            l.failed("10.0.0.1");
            now.addAndGet(5_000);
        }
        assertEquals(0, l.retryAfterSeconds("10.0.0.1"), "nine failures: still free");
        l.failed("10.0.0.1");
        assertEquals(60, l.retryAfterSeconds("10.0.0.1"));
        assertEquals(0, l.retryAfterSeconds("10.0.0.2"), "other addresses are not affected");
        now.addAndGet(59_500);
        assertEquals(1, l.retryAfterSeconds("10.0.0.1"));
        now.addAndGet(500);
        assertEquals(0, l.retryAfterSeconds("10.0.0.1"));
    }

    @Test
    void failuresSpreadOverMoreThanAMinute_neverBlock() {
        AttemptLimiter l = AttemptLimiter.perMinute(clock, 10);
        for (int i = 0; i < 100; i++) {
            l.failed("10.0.0.1");
            now.addAndGet(7_000); // 9 per window at most
        }
        assertEquals(0, l.retryAfterSeconds("10.0.0.1"));
    }

    @Test
    void tableIsBounded_oldestAddressForgotten() {
        AttemptLimiter l = new AttemptLimiter(clock, 2, Duration.ofMinutes(1), Duration.ofMinutes(1), 100);
        for (int i = 0; i < 10_000; i++) {
            l.failed("addr-" + i);
        }
        assertTrue(l.size() <= 100, "size " + l.size());
        l.failed("addr-9999");
        assertEquals(60, l.retryAfterSeconds("addr-9999"));
    }
}
