package dev.vortex.ws;

import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Frames into the sessions' bounded outbound queues ({@link Session#offer}): a session whose queue
 * goes over {@code ws.queue-messages} or {@code ws.queue-bytes} is closed 1013, and closed for good
 * after the pong timeout if it never takes its close frame. Counts what went out.
 */
final class Outbound implements Delivery.Outbox {
    private static final Log LOG = Log.of(Outbound.class);

    private final Supplier<VortexConfig.Ws> cfg;
    private final Messages messages;
    private final WsMetrics metrics;
    private final Heartbeat heartbeat;

    Outbound(Supplier<VortexConfig.Ws> cfg, Messages messages, WsMetrics metrics, Heartbeat heartbeat) {
        this.cfg = cfg;
        this.messages = messages;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
    }

    @Override
    public void send(Session s, Frame f) {
        if (offer(s, f, false)) {
            metrics.sent(f, 1, f.size(s.deflate));
        }
    }

    /** Queues the frame to every session, then wakes the socket writer once (not once per session). */
    @Override
    public void sendAll(Collection<Session> to, Frame f) {
        int n = 0;
        long bytes = 0;
        Session last = null;
        try {
            for (Session s : to) {
                if (offer(s, f, true)) {
                    n++;
                    bytes += f.size(s.deflate);
                    last = s;
                }
            }
        } finally {
            if (last != null) {
                last.wake(); // every session's connection is written by the one selector thread
            }
        }
        metrics.sent(f, n, bytes);
    }

    @Override
    public void refuse(Session s, int closeCode, String reason, String errorCode, String message) {
        send(s, messages.error(errorCode, message));
        s.shut();
        metrics.refused(reason);
        s.conn.close(closeCode, reason);
    }

    /** At half the queue's bound in messages or bytes: room is kept for what clients ask and for diffs. */
    @Override
    public boolean busy(Session s) {
        VortexConfig.Ws ws = cfg.get();
        s.trim();
        return s.queuedMessages() >= Math.max(1, ws.queueMessages() / 2) || s.queuedBytes() >= Math.max(1, ws.queueBytes() / 2);
    }

    /** Eight times the queue's byte bound: a whole commit's changes for a large changes-only subscription. */
    @Override
    public long backlogBytes() {
        return cfg.get().queueBytes() * 8;
    }

    /** The pong timeout: a client that reads nothing of its backlog that long is as dead as one that does not pong. */
    @Override
    public long stallNanos() {
        return cfg.get().pongTimeout().toNanos();
    }

    @Override
    public void tooSlow(Session s) {
        s.shut();
        overflow(s, cfg.get());
    }

    private boolean offer(Session s, Frame f, boolean quiet) {
        VortexConfig.Ws ws = cfg.get();
        try {
            return switch (s.offer(f, ws.queueMessages(), ws.queueBytes(), quiet)) {
                case SENT -> true;
                case CLOSED -> false;
                case OVERFLOW -> {
                    overflow(s, ws);
                    yield false;
                }
            };
        } catch (RuntimeException e) {
            LOG.warn("ws send failed", e, "session", s);
            return false;
        }
    }

    private void overflow(Session s, VortexConfig.Ws ws) {
        metrics.overflows.inc();
        LOG.info("ws session too slow: outbound queue over its bound, closing 1013", "session", s,
                "queue_messages", ws.queueMessages(), "queue_bytes", ws.queueBytes());
        s.conn.close(CloseCodes.TRY_AGAIN_LATER, "outbound queue full");
        // The close frame waits behind the backlog; a client that reads nothing never takes it.
        heartbeat.closeLater(s.conn, CloseCodes.TRY_AGAIN_LATER, "outbound queue full", ws.pongTimeout().toMillis());
    }
}
