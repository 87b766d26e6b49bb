package dev.vortex.ops;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

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

    /**
     * {@code sun.misc.Signal.handle(new Signal(name), handler)}, reached reflectively: the JDK has no
     * public signal API, and a direct reference is a compiler warning no option silences (the build
     * treats warnings as errors).
     */
    private static void handle(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            LOG.info("signal received", "signal", "SIG" + name);
                            Thread.ofVirtual().name("signal-" + name).start(action);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "signal handler for SIG" + name;
                    });
            signal.getMethod("handle", signal, handlerType).invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
        } catch (InvocationTargetException e) {
            if (!(e.getCause() instanceof IllegalArgumentException)) {
                throw new IllegalStateException("installing the SIG" + name + " handler failed", e.getCause());
            }
            LOG.warn("signal not available on this platform", "signal", name);
        } catch (ReflectiveOperationException e) {
            LOG.warn("signal not available on this platform", "signal", name, "reason", e.toString());
        }
    }
}
