package dev.vortex.ops;

import java.lang.management.ManagementFactory;

/** {@code vortex_build_info} and the JVM basics every scrape should show. */
public final class JvmMetrics {
    private JvmMetrics() {
    }

    public static void register(Metrics metrics, String version) {
        metrics.gauge("vortex_build_info", "Build information; the value is always 1", "version", "java").set(1, version,
                Runtime.version().toString());
        var memory = ManagementFactory.getMemoryMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        var runtime = ManagementFactory.getRuntimeMXBean();
        metrics.gauge("vortex_jvm_heap_used_bytes", "JVM heap in use", () -> memory.getHeapMemoryUsage().getUsed());
        metrics.gauge("vortex_jvm_heap_max_bytes", "JVM heap limit", () -> memory.getHeapMemoryUsage().getMax());
        metrics.gauge("vortex_jvm_nonheap_used_bytes", "JVM non-heap memory in use", () -> memory.getNonHeapMemoryUsage().getUsed());
        metrics.gauge("vortex_jvm_threads", "Live platform threads", threads::getThreadCount);
        metrics.gauge("vortex_process_uptime_seconds", "Seconds since the process started", () -> runtime.getUptime() / 1000.0);
        metrics.gauge("vortex_jvm_gc_collections", "Garbage collections so far",
                () -> ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum());
    }
}
