package dev.vortex.ops;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Where start-up time goes: each {@link #mark} logs, at debug level, the phase just finished with
 * milliseconds since the JVM started, since the previous mark, and classes loaded so far — so a
 * slow start shows which phase to look at (with {@code -Xlog:class+load} or JFR for the detail).
 * Costs nothing unless debug logging is on.
 */
public final class Timeline {
    private static final Log LOG = Log.of(Timeline.class);

    private final boolean on = LOG.debugEnabled();
    private long last = System.nanoTime();

    /** Logs that {@code phase} ended. */
    public void mark(String phase) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        var runtime = ManagementFactory.getRuntimeMXBean();
        LOG.debug("startup", "phase", phase, "jvm_ms", runtime.getUptime(), "phase_ms", TimeUnit.NANOSECONDS.toMillis(now - last),
                "classes", ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
        last = now;
    }
}
