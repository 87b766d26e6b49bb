package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.VortexConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class TimingTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static VortexConfig.Sync sync() {
        return new VortexConfig.Sync(Duration.ofSeconds(30), Duration.ofMillis(500), 0.10, Duration.ofSeconds(60),
                Duration.ofSeconds(20), Duration.ofMinutes(2), Duration.ofHours(6), 16);
    }

    private static RandomGenerator fixed(double v) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return v;
            }
        };
    }

    @Test
    void afterSuccess_jitterExtremes_areIntervalPlusMinusTenPercent() {
        assertEquals(NOW.plusSeconds(27), new Timing(sync(), fixed(0.0)).afterSuccess(NOW));
        assertEquals(NOW.plusSeconds(30), new Timing(sync(), fixed(0.5)).afterSuccess(NOW));
        Duration high = Duration.between(NOW, new Timing(sync(), fixed(Math.nextDown(1.0))).afterSuccess(NOW));
        assertTrue(high.compareTo(Duration.ofSeconds(33)) <= 0 && high.compareTo(Duration.ofMillis(32_999)) > 0, high.toString());
    }

    @Test
    void afterSuccess_seededJitter_staysWithinBoundsAndSpreads() {
        Timing t = new Timing(sync(), new SplittableRandom(42));
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long ms = Duration.between(NOW, t.afterSuccess(NOW)).toMillis();
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertTrue(min >= 27_000 && max <= 33_000, min + ".." + max);
        assertTrue(min < 27_500 && max > 32_500, "uses the whole range: " + min + ".." + max);
    }

    @Test
    void afterTrigger_isNowPlusDebounce_afterFailure_isBackoff() {
        Timing t = new Timing(sync(), new SplittableRandom(1));

        assertEquals(NOW.plusMillis(500), t.afterTrigger(NOW));
        assertEquals(NOW.plusSeconds(40), t.afterFailure(2, NOW));
    }

    @Test
    void onTrigger_isNow_unlessTheLastRunEndedWithinTheDebounce() {
        Timing t = new Timing(sync(), new SplittableRandom(1));

        assertEquals(NOW, t.onTrigger(NOW, null));
        assertEquals(NOW, t.onTrigger(NOW, NOW.minusMillis(500)));
        assertEquals(NOW.plusMillis(400), t.onTrigger(NOW, NOW.minusMillis(100)));
    }
}
