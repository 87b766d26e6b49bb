package dev.vortex.sync;

import dev.vortex.ops.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one git host is asked at most: {@code perDomainConcurrency} fetches in flight and
 * {@code perDomainPerMinute} fetch starts in any sliding 60 s window. Shared by every run.
 *
 * <p>A start stays in the window while its fetch is in flight and for 60 s after it ended: the host
 * sees a start a little later than we count it (connection set-up, a busy CPU), and counting from
 * the end keeps its own 60 s window — not just ours — within the limit.
 */
final class DomainThrottle {
    static final Duration WINDOW = Duration.ofSeconds(60);
    /** How soon to look again when a host is full of fetches in flight (a release wakes waiters earlier). */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private final int concurrency;
    private final int perMinute;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Map<String, Host> hosts = new HashMap<>();
    private final Metrics.Gauge inFlightGauge;
    private final Metrics.Counter requests;
    private final Metrics.Counter throttled;

    private static final class Host {
        int inFlight;
        final List<Start> starts = new ArrayList<>();
        long roundRobin;
    }

    /** One fetch start in a host's window: {@code at} is when it began, then when it ended. */
    private static final class Start {
        Instant at;
        boolean ended;

        Start(Instant at) {
            this.at = at;
        }
    }

    /** Held while one fetch is in flight; closing it frees the slot. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    DomainThrottle(int perDomainConcurrency, int perDomainPerMinute, InstantSource clock, Metrics metrics) {
        if (perDomainConcurrency < 1 || perDomainPerMinute < 1) {
            throw new IllegalArgumentException("throttle needs concurrency >= 1 and per-minute >= 1, got "
                    + perDomainConcurrency + " and " + perDomainPerMinute);
        }
        this.concurrency = perDomainConcurrency;
        this.perMinute = perDomainPerMinute;
        this.clock = clock;
        this.inFlightGauge = metrics.gauge("vortex_domain_in_flight", "Fetches in flight per git host", "domain");
        this.requests = metrics.counter("vortex_domain_requests_total", "Fetches started per git host", "domain");
        this.throttled = metrics.counter("vortex_domain_throttled_total",
                "Fetches held back because the git host was at its limit", "domain");
    }

    /** A slot for one fetch from {@code host}, or empty when the host is at a limit right now. */
    Optional<Permit> tryAcquire(String host) {
        lock.lock();
        try {
            Host h = host(host);
            Instant now = clock.instant();
            purge(h, now);
            if (h.inFlight >= concurrency || h.starts.size() >= perMinute) {
                throttled.inc(host);
                return Optional.empty();
            }
            h.inFlight++;
            Start start = new Start(now);
            h.starts.add(start);
            inFlightGauge.set(h.inFlight, host);
            requests.inc(host);
            return Optional.of(new OncePermit(host, start));
        } finally {
            lock.unlock();
        }
    }

    /** Zero when {@code host} has capacity now; else how long until it may (a guess of {@link #RECHECK} when only in-flight fetches block it). */
    Duration timeUntilCapacity(String host) {
        lock.lock();
        try {
            Host h = host(host);
            Instant now = clock.instant();
            purge(h, now);
            Duration wait = Duration.ZERO;
            if (h.starts.size() >= perMinute) {
                // the earliest ended start leaves first; if every one is still in flight, look again soon
                wait = h.starts.stream().filter(st -> st.ended).map(st -> Duration.between(now, st.at.plus(WINDOW)))
                        .min(Duration::compareTo).orElse(RECHECK);
            }
            if (h.inFlight >= concurrency && wait.compareTo(RECHECK) < 0) {
                wait = RECHECK;
            }
            return wait;
        } finally {
            lock.unlock();
        }
    }

    /** One of {@code urls} (all on {@code host}), taking turns across calls so no URL of a host is always last. */
    String pick(String host, List<String> urls) {
        lock.lock();
        try {
            Host h = host(host);
            return urls.get((int) (h.roundRobin++ % urls.size()));
        } finally {
            lock.unlock();
        }
    }

    int inFlight(String host) {
        lock.lock();
        try {
            return host(host).inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps up to {@code max}, waking early when any fetch finishes (a throttled run's sleeper in production). */
    void awaitRelease(Duration max) throws InterruptedException {
        lock.lock();
        try {
            released.await(Math.max(1, max.toNanos()), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    private Host host(String host) {
        return hosts.computeIfAbsent(host, k -> new Host());
    }

    private static void purge(Host h, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        h.starts.removeIf(st -> st.ended && !st.at.isAfter(cutoff));
    }

    private final class OncePermit implements Permit {
        private final String host;
        private final Start start;
        private boolean closed;

        OncePermit(String host, Start start) {
            this.host = host;
            this.start = start;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                start.at = clock.instant();
                start.ended = true;
                Host h = host(host);
                h.inFlight--;
                inFlightGauge.set(h.inFlight, host);
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
