package dev.vortex.ops;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Structured logging on top of java.util.logging: a message plus key/value pairs, rendered as
 * logfmt by {@link LogfmtFormatter}. Values must never hold credentials; URLs go through
 * {@code Urls.redact} before they reach a log call.
 */
public final class Log {
    private final Logger logger;

    private Log(Logger logger) {
        this.logger = logger;
    }

    public static Log of(Class<?> owner) {
        return new Log(Logger.getLogger(owner.getName()));
    }

    public void debug(String msg, Object... kv) {
        log(Level.FINE, msg, null, kv);
    }

    public void info(String msg, Object... kv) {
        log(Level.INFO, msg, null, kv);
    }

    public void warn(String msg, Object... kv) {
        log(Level.WARNING, msg, null, kv);
    }

    public void error(String msg, Object... kv) {
        log(Level.SEVERE, msg, null, kv);
    }

    /** Logs with the throwable's class and message as {@code err=}; stack traces only at debug level. */
    public void error(String msg, Throwable t, Object... kv) {
        log(Level.SEVERE, msg, t, kv);
    }

    public void warn(String msg, Throwable t, Object... kv) {
        log(Level.WARNING, msg, t, kv);
    }

    /** True when debug lines are written, so work that only feeds them can be skipped. */
    public boolean debugEnabled() {
        return logger.isLoggable(Level.FINE);
    }

    private void log(Level level, String msg, Throwable t, Object[] kv) {
        if (!logger.isLoggable(level)) {
            return;
        }
        LogRecord rec = new LogRecord(level, msg);
        rec.setLoggerName(logger.getName());
        rec.setParameters(kv);
        rec.setThrown(t);
        logger.log(rec);
    }
}
