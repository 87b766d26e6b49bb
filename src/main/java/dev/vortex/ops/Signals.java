package dev.vortex.ops;

import sun.misc.Signal;

/**
 * The daemon's signals: HUP reloads the configuration and refreshes, TERM and INT shut down gracefully. Handling TERM
 * ourselves (instead of a shutdown hook) lets the process exit 0 after a clean stop. Tests call
 * the actions directly; this class only connects them to the operating system.
 */
public final class Signals {
    private static final Log LOG = Log.of(Signals.class);

    private Signals() {
    }

    public static void install(Runnable onHangup, Runnable onTerminate) {
        handle("HUP", onHangup);
        handle("TERM", onTerminate);
        handle("INT", onTerminate);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> {
                LOG.info("signal received", "signal", "SIG" + name);
                Thread.ofVirtual().name("signal-" + name).start(action);
            });
        } catch (IllegalArgumentException e) {
            LOG.warn("signal not available on this platform", "signal", name);
        }
    }
}
