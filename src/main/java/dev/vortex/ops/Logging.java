package dev.vortex.ops;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** Installs the one logfmt handler on the root logger (stdout), at the configured level. */
public final class Logging {
    /**
     * What Java-WebSocket logs at error level for a malformed frame from a client: one line per
     * bad connection, the client's fault, already counted by {@code vortex_ws_closed_total{code}}.
     * Shown only at debug level.
     */
    private static final Set<String> CLIENT_FAULTS = Set.of("Closing due to invalid data in frame",
            "Closing due to invalid size of frame", "Protocol error: Continuous frame sequence not completed.",
            "Protocol error: Continuous frame sequence was not started.", "Protocol error: Payload is not UTF8",
            "non control or continious frame expected");
    // held here: the log manager keeps loggers weakly, and a collected one would lose its filter
    private static final List<Logger> WEBSOCKET_LOGGERS = List.of(Logger.getLogger("org.java_websocket.WebSocketImpl"),
            Logger.getLogger("org.java_websocket.drafts.Draft_6455"));

    // the SSH library (Apache MINA SSHD) logs every connection's protocol details at info; held like the above
    private static final Logger SSHD_LOGGER = Logger.getLogger("org.apache.sshd");

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
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        setLevel(level);
    }

    /** Changes the level only, keeping the handlers (a configuration reload). */
    public static void setLevel(String level) {
        Level lvl = parseLevel(level);
        Logger.getLogger("").setLevel(lvl);
        // Our own packages follow the configured level; libraries are held at info unless debug is asked.
        Logger.getLogger("dev.vortex").setLevel(lvl);
        Logger.getLogger("org.eclipse.jgit").setLevel(lvl == Level.FINE ? Level.FINE : Level.WARNING);
        Logger.getLogger("org.java_websocket").setLevel(lvl == Level.FINE ? Level.FINE : Level.WARNING);
        SSHD_LOGGER.setLevel(lvl == Level.FINE ? Level.FINE : Level.WARNING);
        Filter clientFaults = lvl == Level.FINE ? null : r -> !CLIENT_FAULTS.contains(r.getMessage());
        WEBSOCKET_LOGGERS.forEach(l -> l.setFilter(clientFaults));
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
