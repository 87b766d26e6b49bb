package dev.vortex.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ToolsTest {
    @Test
    void presentTool_testGoesOn() {
        assertDoesNotThrow(() -> Tools.require(true, "nothing missing"));
    }

    @Test
    void missingTool_failsUnderCi_skipsElsewhere() {
        Class<? extends Throwable> expected = Tools.ci() ? AssertionFailedError.class : TestAbortedException.class;
        Throwable t = assertThrows(expected, () -> Tools.require(false, "frobnicator not installed"));
        assertTrue(t.getMessage().contains("frobnicator not installed"), t.getMessage());
    }
}
