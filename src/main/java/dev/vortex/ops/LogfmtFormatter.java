package dev.vortex.ops;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One logfmt line per record: {@code ts=… level=… msg="…" key=value …}. Records from {@link Log}
 * carry key/value pairs as parameters; records from other code (JGit, Java-WebSocket via
 * slf4j-jdk14) carry their logger name as {@code logger=}.
 */
public final class LogfmtFormatter extends Formatter {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord rec) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("ts=").append(TS.format(Instant.ofEpochMilli(rec.getMillis())));
        sb.append(" level=").append(levelName(rec.getLevel()));
        sb.append(" msg=");
        appendValue(sb, messageOf(rec));
        Object[] params = rec.getParameters();
        boolean ours = rec.getLoggerName() != null && rec.getLoggerName().startsWith("dev.vortex");
        if (!ours && rec.getLoggerName() != null) {
            sb.append(" logger=");
            appendValue(sb, rec.getLoggerName());
        }
        if (ours && params != null) {
            for (int i = 0; i + 1 < params.length; i += 2) {
                sb.append(' ').append(params[i]).append('=');
                appendValue(sb, params[i + 1]);
            }
        }
        Throwable t = rec.getThrown();
        if (t != null) {
            sb.append(" err=");
            appendValue(sb, describe(t));
        }
        sb.append('\n');
        return sb.toString();
    }

    /** What went wrong, including causes, on one line: {@code IOException: x: caused by ...}. */
    public static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 1000; c = c.getCause() == c ? null : c.getCause()) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            String m = c.getMessage();
            sb.append(m == null || m.isBlank() ? c.getClass().getSimpleName() : m);
        }
        return sb.toString();
    }

    private String messageOf(LogRecord rec) {
        String m = rec.getMessage();
        if (m == null) {
            return "";
        }
        boolean ours = rec.getLoggerName() != null && rec.getLoggerName().startsWith("dev.vortex");
        return ours ? m : formatMessage(rec);
    }

    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (v >= Level.WARNING.intValue()) {
            return "warn";
        }
        if (v >= Level.INFO.intValue()) {
            return "info";
        }
        return "debug";
    }

    /** Appends a value bare when it is a plain token, else quoted with {@code " \ \n \r \t} escaped. */
    static void appendValue(StringBuilder sb, Object value) {
        String s = String.valueOf(value);
        if (!s.isEmpty() && isBare(s)) {
            sb.append(s);
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean isBare(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
