package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void scrape_isPrometheusText004() {
        Metrics m = new Metrics();
        m.counter("vortex_a_total", "A things", "repo", "result").inc("shop", "ok");
        m.counter("vortex_a_total", "A things", "repo", "result").add(2, "shop", "ok");
        m.gauge("vortex_g", "G", "k").set(1.5, "q\"uote");
        m.gauge("vortex_s", "S", () -> 7);
        m.histogram("vortex_h_seconds", "H", new double[] {0.1, 1}).observe(0.5);
        String text = m.scrape();
        assertTrue(text.contains("# HELP vortex_a_total A things\n# TYPE vortex_a_total counter\nvortex_a_total{repo=\"shop\",result=\"ok\"} 3\n"), text);
        assertTrue(text.contains("vortex_g{k=\"q\\\"uote\"} 1.5\n"), text);
        assertTrue(text.contains("# TYPE vortex_s gauge\nvortex_s 7\n"), text);
        assertTrue(text.contains("vortex_h_seconds_bucket{le=\"0.1\"} 0\nvortex_h_seconds_bucket{le=\"1\"} 1\nvortex_h_seconds_bucket{le=\"+Inf\"} 1\nvortex_h_seconds_sum 0.5\nvortex_h_seconds_count 1\n"), text);
    }

    @Test
    void sameName_returnsSameFamily_andWrongLabelCountIsRefused() {
        Metrics m = new Metrics();
        assertSame(m.counter("vortex_x_total", "x", "a"), m.counter("vortex_x_total", "x", "a"));
        assertThrows(IllegalArgumentException.class, () -> m.counter("vortex_x_total", "x", "a").inc());
        assertEquals(0, m.counter("vortex_x_total", "x", "a").value("none"));
    }
}
