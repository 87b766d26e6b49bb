package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(20), Duration.ofMinutes(2));

    @Test
    void failures_double_upToTheMax() {
        List<Long> seconds = IntStream.rangeClosed(1, 6).mapToObj(n -> backoff.delay(n).toSeconds()).toList();

        assertEquals(List.of(20L, 40L, 80L, 120L, 120L, 120L), seconds);
    }

    @Test
    void next_isNowPlusDelay() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        assertEquals(now.plusSeconds(80), backoff.next(3, now));
    }

    @Test
    void manyFailures_doNotOverflow() {
        assertEquals(Duration.ofMinutes(2), backoff.delay(Integer.MAX_VALUE));
    }

    @Test
    void attemptZero_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> backoff.delay(0));
    }

    @Test
    void maxBelowInitial_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMinutes(3), Duration.ofMinutes(2)));
    }
}
