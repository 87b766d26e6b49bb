package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.ops.Metrics;
import dev.vortex.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainThrottleTest {
    private final FakeClock clock = new FakeClock();
    private final Metrics metrics = new Metrics();
    private final DomainThrottle throttle = new DomainThrottle(5, 30, clock, metrics);

    @Test
    void concurrency_atMostFiveInFlightPerHost() {
        List<DomainThrottle.Permit> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(throttle.tryAcquire("git.example.com").orElseThrow());
        }

        assertEquals(Optional.empty(), throttle.tryAcquire("git.example.com"));
        assertTrue(throttle.tryAcquire("other.example.org").isPresent(), "hosts are independent");
        assertEquals(5, throttle.inFlight("git.example.com"));
        assertEquals(5, metrics.gauge("vortex_domain_in_flight", "", "domain").value("git.example.com"));

        held.get(0).close();
        held.get(0).close(); // closing twice frees one slot only
        assertEquals(4, throttle.inFlight("git.example.com"));
        assertTrue(throttle.tryAcquire("git.example.com").isPresent());
        assertEquals(1, metrics.counter("vortex_domain_throttled_total", "", "domain").value("git.example.com"));
        assertEquals(6, metrics.counter("vortex_domain_requests_total", "", "domain").value("git.example.com"));
    }

    @Test
    void slidingWindow_atMostThirtyStartsInAnySixtySeconds() {
        for (int i = 0; i < 30; i++) {
            throttle.tryAcquire("h").orElseThrow().close();
            clock.advance(Duration.ofSeconds(1));
        }
        // now = start + 30 s; the first start leaves the window at start + 60 s
        assertEquals(Optional.empty(), throttle.tryAcquire("h"));
        assertEquals(Duration.ofSeconds(30), throttle.timeUntilCapacity("h"));

        clock.advance(Duration.ofSeconds(29));
        assertEquals(Duration.ofSeconds(1), throttle.timeUntilCapacity("h"));
        assertEquals(Optional.empty(), throttle.tryAcquire("h"));

        clock.advance(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, throttle.timeUntilCapacity("h"));
        assertTrue(throttle.tryAcquire("h").isPresent());
        assertEquals(Optional.empty(), throttle.tryAcquire("h"), "the second start left at start + 61 s");
        assertEquals(Duration.ofSeconds(1), throttle.timeUntilCapacity("h"));
    }

    @Test
    void slidingWindow_aStartCountsUntilSixtySecondsAfterItsFetchEnded() {
        DomainThrottle one = new DomainThrottle(5, 1, clock, metrics);
        DomainThrottle.Permit p = one.tryAcquire("h").orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        assertEquals(DomainThrottle.RECHECK, one.timeUntilCapacity("h"), "in flight: no end known yet");

        p.close();
        clock.advance(Duration.ofSeconds(59));
        assertEquals(Duration.ofSeconds(1), one.timeUntilCapacity("h"));
        assertEquals(Optional.empty(), one.tryAcquire("h"));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(one.tryAcquire("h").isPresent());
    }

    @Test
    void timeUntilCapacity_zeroWhenFree_recheckWhenOnlyInFlightBlocks() {
        assertEquals(Duration.ZERO, throttle.timeUntilCapacity("h"));
        for (int i = 0; i < 5; i++) {
            throttle.tryAcquire("h").orElseThrow();
        }

        assertEquals(DomainThrottle.RECHECK, throttle.timeUntilCapacity("h"));
    }

    @Test
    void pick_takesTurnsAmongAHostsUrls() {
        List<String> urls = List.of("https://h/a.git", "https://h/b.git", "https://h/c.git");
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(throttle.pick("h", urls));
        }

        assertEquals(List.of("https://h/a.git", "https://h/b.git", "https://h/c.git",
                "https://h/a.git", "https://h/b.git", "https://h/c.git"), picked);
    }
}
