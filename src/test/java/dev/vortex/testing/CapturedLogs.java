package dev.vortex.testing;

import dev.vortex.ops.LogfmtFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every record the root logger publishes, as the logfmt lines the daemon prints. Attach it after
 * {@code Vortexd.launch} (which resets logging); close it to detach.
 */
public final class CapturedLogs extends Handler implements AutoCloseable {
    private final LogfmtFormatter format = new LogfmtFormatter();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");

    private CapturedLogs() {
        setLevel(Level.ALL);
        root.addHandler(this);
    }

    public static CapturedLogs attach() {
        return new CapturedLogs();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines holding every one of {@code parts}. */
    public List<String> matching(String... parts) {
        return lines.stream().filter(l -> List.of(parts).stream().allMatch(l::contains)).toList();
    }

    public String text() {
        return String.join("", lines);
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            lines.add(format.format(record));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
