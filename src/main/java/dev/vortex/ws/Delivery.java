package dev.vortex.ws;

import java.util.Collection;

/**
 * What the hub sends, built into frames and handed to the {@link Outbox} (hub thread only). The
 * one place a snapshot goes out, so pacing snapshots per session belongs here.
 */
final class Delivery {

    /** Where the hub's frames go; implemented by the server over the sessions' bounded queues. */
    interface Outbox {
        void send(Session s, Frame f);

        void sendAll(Collection<Session> sessions, Frame f);

        /** Sends one error and closes the session with {@code closeCode} (a refused connect). */
        void refuse(Session s, int closeCode, String reason, String errorCode, String message);
    }

    final Messages messages;
    private final Outbox out;

    Delivery(Messages messages, Outbox out) {
        this.messages = messages;
        this.out = out;
    }

    /** A snapshot of the channel, or nothing while it is pending (a snapshot follows when it renders). */
    void snapshot(Session s, Channel c) {
        if (!c.pending()) {
            out.send(s, messages.snapshot(c.target, c.version, c.configJson()));
        }
    }

    void send(Session s, Frame f) {
        out.send(s, f);
    }

    void sendAll(Collection<Session> to, Frame f) {
        out.sendAll(to, f);
    }

    void refuse(Session s, int closeCode, String reason, String errorCode, String message) {
        out.refuse(s, closeCode, reason, errorCode, message);
    }

    void error(Session s, String code, String message) {
        out.send(s, messages.error(code, message));
    }

    // said before any lookup, so it tells nothing about whether the application exists
    void forbidden(Session s, String app) {
        error(s, "FORBIDDEN", "principal '" + s.principal.name() + "' may not watch application '" + app + "'");
    }
}
