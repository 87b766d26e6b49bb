package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Java 8 entry point reads every form of {@code java.specification.version}; InstallTest runs it on a JDK 17. */
class MainTest {
    @Test
    void feature_ofEverySpecificationVersionForm() {
        assertEquals(8, Main.feature("1.8"));
        assertEquals(17, Main.feature("17"));
        assertEquals(25, Main.feature("25"));
        assertEquals(26, Main.feature("26-ea"));
        assertEquals(0, Main.feature(""));
        assertEquals(0, Main.feature("x"));
        assertEquals(21, Main.REQUIRED);
    }
}
