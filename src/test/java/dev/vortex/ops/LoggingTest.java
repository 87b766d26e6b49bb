package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
    private static final Logger LIBRARY = Logger.getLogger("org.java_websocket.WebSocketImpl");

    @AfterEach
    void restore() throws IOException {
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    void webSocketClientFaults_onlyAtDebug_libraryErrorsAlways() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.install("warn", out);
        LIBRARY.log(Level.SEVERE, "Closing due to invalid data in frame");
        LIBRARY.log(Level.SEVERE, "Exception during channel.close()");
        String warn = out.toString(StandardCharsets.UTF_8);
        assertFalse(warn.contains("invalid data in frame"), warn);
        assertTrue(warn.contains("channel.close"), warn);

        ByteArrayOutputStream debug = new ByteArrayOutputStream();
        Logging.install("debug", debug);
        LIBRARY.log(Level.SEVERE, "Closing due to invalid data in frame");
        assertTrue(debug.toString(StandardCharsets.UTF_8).contains("invalid data in frame"));
    }
}
