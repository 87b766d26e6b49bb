package dev.vortex.ws;

import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.java_websocket.WebSocket;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;

/**
 * The heartbeat and the handshake watchdog, on one scheduler thread: pings due sessions, drops
 * those whose pong is overdue, drops connections that do not finish their opening handshake
 * within the pong timeout, forces closes that a slow client would never take, and resumes writes
 * the library lost ({@link Endpoint#stalledWrite}). Times come
 * from the clock given, so tests drive {@link #beat} with a fake one.
 */
final class Heartbeat {
    private static final Log LOG = Log.of(Heartbeat.class);

    private final Supplier<VortexConfig.Ws> cfg;
    private final InstantSource clock;
    private final Supplier<Collection<WebSocket>> connections;
    private final WsMetrics metrics;
    private final Runnable onBeat;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("vortex-ws-heartbeat").daemon(true).unstarted(r));
    /** Accepted connections still in their opening handshake, with when they were accepted (clock millis). */
    private final Map<WebSocket, Long> handshaking = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Connections whose write had stalled at a beat (see {@link #resumeStalledWrites}), under {@link #lock}. */
    private Map<WebSocket, Stall> stalls = Map.of();

    /** A stalled write as first seen: the frame that waited, and when (clock millis). */
    private record Stall(ByteBuffer first, long since) {
    }

    /** @param onBeat runs after every scan (at the clock's now, as the scan) */
    Heartbeat(Supplier<VortexConfig.Ws> cfg, InstantSource clock, Supplier<Collection<WebSocket>> connections, WsMetrics metrics,
              Runnable onBeat) {
        this.cfg = cfg;
        this.onBeat = onBeat;
        this.clock = clock;
        this.connections = connections;
        this.metrics = metrics;
    }

    /** Scans a few times per ping interval and pong timeout, from now on. */
    void start() {
        long tick = Math.clamp(Math.min(cfg.get().ping().toMillis(), cfg.get().pongTimeout().toMillis()) / 4, 10, 1000);
        scheduler.scheduleWithFixedDelay(this::beatGuarded, tick, tick, TimeUnit.MILLISECONDS);
    }

    void stop() {
        scheduler.shutdownNow();
    }

    /** A connection was accepted: it has the pong timeout to finish its opening handshake. */
    void accepted(WebSocket conn) {
        handshaking.put(conn, clock.millis());
    }

    /**
     * The connection's opening handshake ended (it opened); false when the watchdog took it as
     * stalled first and is closing it: no session may start on it. Whichever of the two removes
     * the entry decides, so a handshake ending as the watchdog gives up on it is either served or
     * dropped, never served and then cut off.
     */
    boolean opened(WebSocket conn) {
        return handshaking.remove(conn) != null;
    }

    /** Connections accepted and still in their opening handshake. */
    int handshaking() {
        return handshaking.size();
    }

    /** Closes the connection abruptly after {@code graceMillis} unless it closed by then (at once when stopped). */
    void closeLater(WebSocket conn, int code, String reason, long graceMillis) {
        try {
            scheduler.schedule(() -> {
                if (!conn.isClosed()) {
                    conn.closeConnection(code, reason);
                }
            }, graceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            conn.closeConnection(code, reason);
        }
    }

    private void beatGuarded() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.error("ws heartbeat failed", e);
        }
    }

    /** One scan at the clock's now. */
    void beat() {
        synchronized (lock) {
            long now = clock.millis();
            long ping = cfg.get().ping().toMillis();
            long pong = cfg.get().pongTimeout().toMillis();
            dropStalledHandshakes(now, pong);
            Collection<WebSocket> open = connections.get();
            resumeStalledWrites(now, open);
            for (WebSocket c : open) {
                if (!(c.getAttachment() instanceof Session s) || s.isShut()) {
                    continue;
                }
                s.trim();
                switch (s.beat(now, ping, pong)) {
                    case PING -> {
                        try {
                            c.sendPing();
                        } catch (WebsocketNotConnectedException e) {
                            // closing anyway
                        }
                    }
                    case LOST -> {
                        LOG.debug("ws session lost: no pong", "session", s, "timeout_ms", pong);
                        c.closeConnection(CloseFrame.ABNORMAL_CLOSE, "no pong within " + pong + " ms");
                    }
                    case NONE -> {
                    }
                }
            }
        }
        onBeat.run();
    }

    /**
     * Resumes the writes the library lost ({@link Endpoint#stalledWrite}): a connection whose same
     * first frame still waits, without write interest, at a later beat (a later clock time) than the
     * one that first saw it. Waiting a beat keeps out a frame caught between being queued and its
     * write demand, which is no stall.
     */
    private void resumeStalledWrites(long now, Collection<WebSocket> open) {
        Map<WebSocket, Stall> seen = new HashMap<>();
        for (WebSocket c : open) {
            ByteBuffer first = Endpoint.stalledWrite(c);
            Stall before = first == null ? null : stalls.get(c);
            if (before != null && before.first() == first && now > before.since()) {
                LOG.debug("ws write stalled: resumed", "session", c.getAttachment() instanceof Session s ? s : "",
                        "stalled_ms", now - before.since());
                Endpoint.resumeStalledWrite(c);
                metrics.stalledWrites.inc();
            } else if (first != null) {
                seen.put(c, before != null && before.first() == first ? before : new Stall(first, now));
            }
        }
        stalls = seen;
    }

    /**
     * A client that connects and says nothing, trickles its request, or stays after a refused
     * upgrade (the library answers it but never closes) holds a socket but no session, so neither
     * the session limit nor the pong timeout reaches it: it gets the pong timeout to finish.
     */
    private void dropStalledHandshakes(long now, long timeout) {
        for (Iterator<Map.Entry<WebSocket, Long>> it = handshaking.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<WebSocket, Long> e = it.next();
            WebSocket c = e.getKey();
            if (c.isClosed()) {
                it.remove();
            } else if (!c.isOpen() && now - e.getValue() >= timeout && handshaking.remove(c, e.getValue())) {
                // an open one is left to opened(), which the library calls next
                metrics.refused("handshake timeout");
                c.closeConnection(CloseFrame.NEVER_CONNECTED, "no handshake within " + timeout + " ms");
            }
        }
    }
}
