package dev.vortex.ops;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** Installs the one logfmt handler on the root logger (stdout), at the configured level. */
public final class Logging {
    private Logging() {
    }

    public static void install(String level) {
        install(level, System.out);
    }

    public static void install(String level, OutputStream out) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new StreamHandler(out instanceof PrintStream ps ? ps : new PrintStream(out, true), new LogfmtFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Level lvl = parseLevel(level);
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(lvl);
        // Our own packages follow the configured level; libraries are held at info unless debug is asked.
        Logger.getLogger("dev.vortex").setLevel(lvl);
        Logger.getLogger("org.eclipse.jgit").setLevel(lvl == Level.FINE ? Level.FINE : Level.WARNING);
        Logger.getLogger("org.java_websocket").setLevel(lvl == Level.FINE ? Level.FINE : Level.WARNING);
    }

    /** {@code debug|info|warn|error} to a JUL level. */
    public static Level parseLevel(String level) {
        return switch (level == null ? "info" : level.toLowerCase(Locale.ROOT)) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }

}
