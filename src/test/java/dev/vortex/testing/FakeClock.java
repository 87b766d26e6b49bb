package dev.vortex.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock for tests: stands still until {@link #advance} is called. */
public final class FakeClock implements InstantSource {
    private volatile Instant now;

    public FakeClock() {
        this(Instant.parse("2026-11-23T10:00:00Z"));
    }

    public FakeClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public synchronized void set(Instant t) {
        now = t;
    }
}
