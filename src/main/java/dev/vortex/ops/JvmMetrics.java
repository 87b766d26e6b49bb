package dev.vortex.ops;

import java.lang.management.ManagementFactory;

/**
 * {@code vortex_build_info} and the JVM basics every scrape should show. The platform MXBeans are
 * looked up at the scrape, not at registration: the first lookup starts the JDK's management
 * machinery, work the start need not wait for.
 */
public final class JvmMetrics {
    private JvmMetrics() {
    }

    public static void register(Metrics metrics, String version) {
        metrics.gauge("vortex_build_info", "Build information; the value is always 1", "version", "java").set(1, version,
                Runtime.version().toString());
        metrics.gauge("vortex_jvm_heap_used_bytes", "JVM heap in use", () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        metrics.gauge("vortex_jvm_heap_max_bytes", "JVM heap limit", () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
        metrics.gauge("vortex_jvm_nonheap_used_bytes", "JVM non-heap memory in use",
                () -> ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed());
        metrics.gauge("vortex_jvm_threads", "Live platform threads", () -> ManagementFactory.getThreadMXBean().getThreadCount());
        metrics.gauge("vortex_process_uptime_seconds", "Seconds since the process started",
                () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        metrics.gauge("vortex_jvm_gc_collections", "Garbage collections so far",
                () -> ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum());
    }
}
