package dev.vortex.sync;

import java.time.Duration;
import java.time.Instant;

/** Delay after the n-th failed run in a row: {@code min(initial × 2^(n−1), max)} — 20 s, 40 s, 80 s, 120 s, 120 s … */
record Backoff(Duration initial, Duration max) {

    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got initial " + initial + ", max " + max);
        }
    }

    /** When to try again after failure number {@code attempt} (1 for the first failure). */
    Instant next(int attempt, Instant now) {
        return now.plus(delay(attempt));
    }

    Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt + ": expected 1 or more");
        }
        int doublings = Math.min(attempt - 1, 30); // 2^30 × any sane initial is past max already
        Duration d = initial.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }
}
