package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogfmtFormatterTest {
    private static String format(String msg, Object... kv) {
        LogRecord r = new LogRecord(Level.INFO, msg);
        r.setLoggerName("dev.vortex.sync.SyncRun");
        r.setInstant(java.time.Instant.ofEpochMilli(1795428000123L));
        r.setParameters(kv);
        return new LogfmtFormatter().format(r);
    }

    @Test
    void plainValues_areBare_andLineHasTimestampLevelMessage() {
        assertEquals("ts=2026-11-23T10:00:00.123Z level=info msg=\"sync done\" repo=shop commit=1a2b3c changed=true duration_ms=41\n",
                format("sync done", "repo", "shop", "commit", "1a2b3c", "changed", true, "duration_ms", 41));
    }

    @Test
    void quotesSpacesNewlinesAndEquals_areQuotedAndEscaped() {
        String line = format("x", "a", "two words", "b", "say \"hi\"", "c", "line1\nline2\r\t", "d", "k=v", "e", "back\\slash", "f", "");
        assertTrue(line.contains(" a=\"two words\""), line);
        assertTrue(line.contains(" b=\"say \\\"hi\\\"\""), line);
        assertTrue(line.contains(" c=\"line1\\nline2\\r\\t\""), line);
        assertTrue(line.contains(" d=\"k=v\""), line);
        assertTrue(line.contains(" e=\"back\\\\slash\""), line);
        assertTrue(line.contains(" f=\"\""), line);
        assertEquals(1, line.split("\n", -1).length - 1, "exactly one line");
    }

    @Test
    void controlCharacters_areEscaped() {
        assertTrue(format("x", "k", "a\u0001b").contains("k=\"a\\u0001b\""));
    }

    @Test
    void libraryRecords_carryLoggerName_andThrowableAsErr() {
        LogRecord r = new LogRecord(Level.WARNING, "fetch {0} failed");
        r.setLoggerName("org.eclipse.jgit.transport.Foo");
        r.setParameters(new Object[] {"x"});
        r.setThrown(new IOException("outer", new IllegalStateException("inner")));
        String line = new LogfmtFormatter().format(r);
        assertTrue(line.contains("level=warn msg=\"fetch x failed\" logger=org.eclipse.jgit.transport.Foo err=\"outer: inner\""), line);
    }
}
