package dev.vortex.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when an outside tool it drives (Chromium, systemd-analyze, /dev/full…) is not
 * there: on a developer machine it is skipped with the reason printed; under {@code CI=true} it
 * fails, so a CI run without the tool can never pass by skipping.
 */
public final class Tools {
    private Tools() {
    }

    /** True when the environment variable {@code CI} is {@code true}. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Continues when {@code available}; otherwise fails the test under {@code CI=true}, or skips it
     * elsewhere. {@code missing} says what is missing and how to install it.
     */
    public static void require(boolean available, String missing) {
        if (available) {
            return;
        }
        if (ci()) {
            Assertions.fail("CI=true and the test needs what is missing: " + missing);
        }
        System.err.println("SKIPPED: " + missing + " (under CI=true this fails)");
        Assumptions.abort(missing);
    }
}
