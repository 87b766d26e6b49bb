package dev.vortex;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The jar's entry point, compiled for Java 8 so that any JDK can load it: on a JDK older than 21
 * it prints one line saying what is needed and exits 78 (EX_CONFIG, which the systemd unit does
 * not restart on) instead of an {@code UnsupportedClassVersionError}; otherwise it hands off to
 * {@code Vortexd}. Kept free of anything newer than Java 8.
 */
public final class Main {
    static final int REQUIRED = 21;
    private static final int EX_CONFIG = 78;

    private Main() {
    }

    public static void main(String[] args) throws Throwable {
        int running = feature(System.getProperty("java.specification.version", "0"));
        if (running < REQUIRED) {
            System.err.println("vortexd needs Java " + REQUIRED + " or newer, but runs on Java " + running + " ("
                    + System.getProperty("java.home") + "); install one (e.g. apt-get install openjdk-21-jre-headless)"
                    + " or start it with the vortexd launcher (/usr/bin/vortexd after make install), which finds one");
            System.exit(EX_CONFIG);
        }
        // by name: this class must load on Java 8, Vortexd (class file 65) only on 21+; a method handle, as a
        // reflective call generates classes at its first use (on the start's path)
        MethodHandles.publicLookup().findStatic(Class.forName("dev.vortex.Vortexd"), "main", MethodType.methodType(void.class, String[].class))
                .invokeExact(args);
    }

    /** The feature release of a {@code java.specification.version}: {@code 1.8} → 8, {@code 17} → 17. */
    static int feature(String spec) {
        String s = spec.startsWith("1.") ? spec.substring(2) : spec;
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
    }
}
