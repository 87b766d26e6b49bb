package dev.vortex.sync;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one class logs, for tests that pin a warning. */
final class LogCapture extends Handler implements AutoCloseable {
    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger;

    LogCapture(Class<?> owner) {
        logger = Logger.getLogger(owner.getName());
        logger.addHandler(this);
        setLevel(Level.ALL);
    }

    boolean has(Level level, String message) {
        return records.stream().anyMatch(r -> r.getLevel().equals(level) && r.getMessage().equals(message));
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
