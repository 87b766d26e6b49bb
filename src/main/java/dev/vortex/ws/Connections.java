package dev.vortex.ws;

import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.ClientCertificate;
import dev.vortex.ops.Principal;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;

/**
 * What happens on each connection, on the library's threads: admission when it opens (the
 * connect URL, the token, the session limit), the inbound rate limit and parsing of client
 * messages, and the close. Everything that needs served configuration goes to the {@link Hub}.
 */
final class Connections implements Endpoint.Events {
    private static final Log LOG = Log.of(Connections.class);

    /** What the connections are handled with. */
    record Parts(Supplier<VortexConfig.Ws> cfg, TokenCheck tokens, InstantSource clock, Messages messages, WsMetrics metrics,
                 Heartbeat heartbeat, Hub hub) {
    }

    private final Parts parts;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Object closedSignal = new Object();

    Connections(Parts parts) {
        this.parts = parts;
    }

    int sessions() {
        return sessions.get();
    }

    /** From now on every new connection is refused (1001); true the first time. */
    boolean stopping() {
        return stopping.compareAndSet(false, true);
    }

    /** Waits until {@code done} holds or {@code nanos} passed, woken by every close while stopping. */
    void awaitCloses(BooleanSupplier done, long nanos) throws InterruptedException {
        synchronized (closedSignal) {
            long end = System.nanoTime() + nanos;
            for (long left; !done.getAsBoolean() && (left = end - System.nanoTime()) > 0; ) {
                TimeUnit.NANOSECONDS.timedWait(closedSignal, left);
            }
        }
    }

    @Override
    public void opened(WebSocket conn, ClientHandshake handshake) {
        try {
            open(conn, handshake);
        } catch (RuntimeException e) {
            LOG.error("ws open failed", e);
            conn.close(CloseFrame.UNEXPECTED_CONDITION, "internal error");
        }
    }

    private void open(WebSocket conn, ClientHandshake handshake) {
        if (!parts.heartbeat().opened(conn)) {
            // The heartbeat dropped its handshake as stalled just before it ended, or found it
            // closed before the library marked it open: no session; closing it (again) takes it
            // out of the library's set.
            conn.closeConnection(CloseFrame.NEVER_CONNECTED, "opening handshake dropped");
            return;
        }
        if (stopping.get()) {
            conn.close(CloseFrame.GOING_AWAY, "server shutting down");
            return;
        }
        Connect req = Connect.parse(handshake.getResourceDescriptor(), handshake.getFieldValue("Sec-WebSocket-Protocol"));
        if (req instanceof Connect.Bad bad) {
            LOG.debug("ws refused: bad request", "reason", bad.message());
            refuse(conn, CloseCodes.BAD_REQUEST, "bad request", "BAD_REQUEST", bad.message());
            return;
        }
        Connect.Ok ok = (Connect.Ok) req;
        String address = conn.getRemoteSocketAddress() == null ? "" : conn.getRemoteSocketAddress().getAddress().getHostAddress();
        TokenCheck.Admission admission = parts.tokens().admit(ok.token(), handshake.getFieldValue("Authorization").isEmpty()
                ? null : handshake.getFieldValue("Authorization"), address,
                conn.hasSSLSupport() ? ClientCertificate.names(conn.getSSLSession()) : List.of());
        if (admission instanceof TokenCheck.Refused no) {
            LOG.debug("ws refused", "reason", no.errorCode());
            refuse(conn, no.closeCode(), no.errorCode().toLowerCase(Locale.ROOT), no.errorCode(), no.message());
            return;
        }
        Principal principal = ((TokenCheck.Admitted) admission).principal();
        int maxSessions = parts.cfg().get().maxSessions();
        // The library calls onClose under the connection's lock: holding it here, a close comes
        // either before the session is counted (seen below) or after it is counted, attached and
        // handed to the hub (onClose undoes all three).
        synchronized (conn) {
            if (conn.isClosed()) {
                return;
            }
            if (!((WebSocketImpl) conn).getChannel().isOpen()) {
                // The client left while the library still read its handshake: the library closed
                // the socket, then marked the connection open anyway. Close it once more, now that
                // it is registered, so it leaves the library's set rather than wait for the heartbeat.
                conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "client left during the handshake");
                return;
            }
            if (sessions.incrementAndGet() > maxSessions) {
                sessions.decrementAndGet();
                refuse(conn, CloseCodes.TRY_AGAIN_LATER, "too many sessions", "TOO_MANY_SESSIONS",
                        "the server holds its maximum of " + maxSessions + " sessions; retry later");
                return;
            }
            boolean deflate = ((WebSocketImpl) conn).getDraft() instanceof ClientDraft d && d.deflating();
            Session s = new Session(conn, Endpoint.WIRE, parts.clock().millis(), principal, deflate);
            conn.setAttachment(s);
            LOG.debug("ws session opened", "session", s, "principal", principal.name(), "deflate", deflate,
                    "subscription", ok.text() == null ? "" : ok.text());
            parts.hub().opened(s, ok.pattern(), ok.text());
        }
    }

    /** Sends one error then closes: the only way to refuse that every client can read (PROTOCOL.md). */
    private void refuse(WebSocket conn, int closeCode, String reason, String errorCode, String message) {
        parts.metrics().refused(reason);
        Frame f = parts.messages().error(errorCode, message);
        if (conn.isOpen()) {
            Endpoint.WIRE.write(conn, f.view());
            parts.metrics().sent(f, 1, f.size());
        }
        conn.close(closeCode, reason);
    }

    @Override
    public void closed(WebSocket conn, int code, boolean remote) {
        parts.metrics().closed.inc(Integer.toString(code));
        if (stopping.get()) {
            synchronized (closedSignal) {
                closedSignal.notifyAll();
            }
        }
        if (conn.getAttachment() instanceof Session s && s.markClosed()) {
            s.shut();
            sessions.decrementAndGet();
            LOG.debug("ws session closed", "session", s, "code", code, "remote", remote);
            parts.hub().closed(s);
        }
    }

    @Override
    public void text(WebSocket conn, String text) {
        if (admitted(conn) instanceof Session s) {
            Inbound m = Inbound.parse(text);
            if (m instanceof Inbound.Pong) {
                s.pong();
                return;
            }
            parts.hub().received(s, m);
        }
    }

    @Override
    public void binary(WebSocket conn) {
        if (admitted(conn) instanceof Session s) {
            parts.hub().received(s, new Inbound.Bad("BAD_MESSAGE", "binary frames are not part of the protocol; send JSON text"));
        }
    }

    @Override
    public void pong(WebSocket conn) {
        if (conn.getAttachment() instanceof Session s) {
            s.pong();
        }
    }

    /** The connection's session when it may send one more message now; null otherwise (closed 1008 when over the rate). */
    private Session admitted(WebSocket conn) {
        if (!(conn.getAttachment() instanceof Session s) || s.isShut()) {
            return null;
        }
        int maxRate = parts.cfg().get().maxRate();
        if (!s.allowMessage(parts.clock().millis(), maxRate)) {
            conn.close(CloseFrame.POLICY_VALIDATION, "more than " + maxRate + " messages in 1 s");
            return null;
        }
        return s;
    }
}
