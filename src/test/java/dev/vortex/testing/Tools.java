package dev.vortex.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Tools the tests start for real: missing one skips a test on a developer's machine and fails it under {@code CI=true}. */
public final class Tools {
    private Tools() {
    }

    public static void require(Path tool, String install) {
        if (Files.isExecutable(tool)) {
            return;
        }
        String why = tool + " is not installed (" + install + ")";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("CI=true and " + why);
        }
        System.err.println("SKIPPED: " + why);
        Assumptions.assumeTrue(false, why);
    }
}
