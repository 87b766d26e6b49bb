package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmMetricsTest {
    @Test
    void everyJvmGauge_isReadAtTheScrape() {
        Metrics metrics = new Metrics();
        JvmMetrics.register(metrics, "1.2.3");
        Map<String, Double> first = samples(metrics.scrape());
        assertEquals(1.0, first.get("vortex_build_info"));
        assertTrue(first.get("vortex_jvm_heap_used_bytes") > 0, first.toString());
        assertTrue(first.get("vortex_jvm_heap_max_bytes") >= first.get("vortex_jvm_heap_used_bytes"), first.toString());
        assertTrue(first.get("vortex_jvm_nonheap_used_bytes") > 0, first.toString());
        assertTrue(first.get("vortex_jvm_threads") >= 1, first.toString());
        assertTrue(first.get("vortex_jvm_gc_collections") >= 0, first.toString());
        System.gc(); // a collection between two scrapes shows in the second: values are read then, not kept from registration
        assertTrue(samples(metrics.scrape()).get("vortex_jvm_gc_collections") > first.get("vortex_jvm_gc_collections"));
    }

    @Test
    void buildInfo_namesVersionAndJava() {
        Metrics metrics = new Metrics();
        JvmMetrics.register(metrics, "1.2.3");
        assertTrue(metrics.scrape().contains("vortex_build_info{version=\"1.2.3\",java=\"" + Runtime.version() + "\"} 1"), metrics.scrape());
    }

    private static Map<String, Double> samples(String text) {
        Map<String, Double> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                values.put(line.split("[{ ]")[0], Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return values;
    }
}
