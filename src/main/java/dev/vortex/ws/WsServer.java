package dev.vortex.ws;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;

/**
 * The WebSocket endpoint of PROTOCOL.md on {@code ws.bind:ws.port}: accepts or refuses
 * connections, enforces the inbound limits, runs the heartbeat, and hands everything that needs
 * configuration to the {@link Hub} on its own thread, so the library's selector and worker
 * threads only move bytes and parse small client messages.
 *
 * <p>Threads: the library's selector and decoders, one hub thread (subscriptions, rendering
 * through the feed, fan-out) and one scheduler thread (heartbeat scans and forced closes). An
 * idle session costs no thread.
 */
public final class WsServer implements Reloadable {
    private static final Log LOG = Log.of(WsServer.class);
    /** The most a client may send before its connection is open: as much as an HTTP request's headers. */
    static final int MAX_HANDSHAKE = 64 * 1024;

    private volatile VortexConfig.Ws cfg;
    private final TokenCheck tokens;
    private final Tls tls;
    /** Runs the TLS engines' delegated tasks (certificate work during handshakes). */
    private final ExecutorService tlsTasks = Executors.newVirtualThreadPerTaskExecutor();
    private final InstantSource clock;
    private final Messages messages;
    private final Hub hub;
    private final Endpoint endpoint;
    private final ExecutorService hubThread;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger sessions = new AtomicInteger();
    /** Accepted connections still in their opening handshake, with when they were accepted (clock millis). */
    private final Map<WebSocket, Long> handshaking = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Object heartbeatLock = new Object();
    private final Object closedSignal = new Object();
    private final Session.Wire wire = new LibraryWire();

    private final Metrics.Counter sent;
    private final Metrics.Counter bytesSent;
    private final Metrics.Counter closed;
    private final Metrics.Counter overflows;
    private final Metrics.Counter rejected;

    public WsServer(VortexConfig.Ws cfg, ConfigFeed feed, TokenCheck tokens, Metrics metrics, InstantSource clock) {
        this(cfg, feed, tokens, metrics, clock, null);
    }

    /** {@code tls}: serve WSS with it (null: plain WebSocket). */
    public WsServer(VortexConfig.Ws cfg, ConfigFeed feed, TokenCheck tokens, Metrics metrics, InstantSource clock, Tls tls) {
        this.tls = tls;
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(feed, "feed");
        this.messages = new Messages(clock);
        this.hubThread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("vortex-ws-hub").daemon(true).unstarted(r));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("vortex-ws-heartbeat").daemon(true).unstarted(r));
        this.sent = metrics.counter("vortex_ws_messages_sent_total", "Messages handed to WebSocket sessions, by type.", "type");
        this.bytesSent = metrics.counter("vortex_ws_bytes_sent_total", "Bytes (frames) handed to WebSocket sessions.");
        this.closed = metrics.counter("vortex_ws_closed_total", "WebSocket connections closed, by close code.", "code");
        this.overflows = metrics.counter("vortex_ws_queue_overflows_total", "Sessions closed 1013 because their outbound queue went over its bound.");
        this.rejected = metrics.counter("vortex_ws_rejected_total", "Connections refused right after the upgrade, by reason.", "reason");
        startAtZero(metrics);
        this.hub = new Hub(feed, messages, new Out(), hubThread, cfg.maxSubscriptions(), metrics);
        metrics.gauge("vortex_ws_sessions", "Open WebSocket sessions.", sessions::get);
        metrics.gauge("vortex_ws_subscriptions", "(session, app/profile/label) subscriptions.", hub::subscriptions);
        int maxFrame = (int) Math.min(Integer.MAX_VALUE, cfg.maxMessage());
        // Clients with and without the vortex.v1 subprotocol are both accepted; the frame size
        // limit makes the library refuse an oversized message (1009) from its header, before
        // reading or parsing it, fragmented or not; an unmasked client frame is refused (1002).
        Draft_6455 draft = new ClientDraft(List.of(new Protocol("vortex.v1"), new Protocol("")), maxFrame);
        this.endpoint = new Endpoint(new InetSocketAddress(cfg.bind(), cfg.port()), draft);
    }

    /** Binds and starts serving; fails when the address cannot be bound. */
    public void start() throws IOException {
        endpoint.start();
        try {
            started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            stopNow();
            throw new IOException("ws: cannot listen on " + cfg.bind() + ":" + cfg.port() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            stopNow();
            throw new IOException("ws: server on " + cfg.bind() + ":" + cfg.port() + " did not start within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("ws: interrupted while starting");
        }
        long tick = Math.clamp(Math.min(cfg.ping().toMillis(), cfg.pongTimeout().toMillis()) / 4, 10, 1000);
        scheduler.scheduleWithFixedDelay(this::heartbeatGuarded, tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("ws listening", "bind", cfg.bind(), "port", port());
    }

    /** Closes (4401) every session of the named principals: they were removed or their credential changed. */
    public void closeSessionsOf(java.util.Set<String> principals) {
        if (principals.isEmpty()) {
            return;
        }
        for (WebSocket conn : endpoint.getConnections()) {
            if (conn.getAttachment() instanceof Session s && principals.contains(s.principal.name())) {
                conn.close(CloseCodes.UNAUTHORIZED, "principal removed");
            }
        }
    }

    /** The bound port (the real one when {@code ws.port} is 0). */
    public int port() {
        return endpoint.getPort();
    }

    public int sessionCount() {
        return sessions.get();
    }

    /**
     * Completes when the server stopped: normally after {@link #stop}, exceptionally when the
     * server died (the daemon should then exit non-zero).
     */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /**
     * A state change: {@code repo}'s {@code label} moved from {@code oldCommit} to
     * {@code newCommit}. Returns at once; affected subscriptions get their diffs from the hub
     * thread. The commits are informational: diffs are computed from what each subscription was
     * last sent, so coalesced or repeated events are harmless.
     */
    public void onChange(String repo, String label, String oldCommit, String newCommit) {
        LOG.debug("ws change", "repo", repo, "label", label, "old", oldCommit, "new", newCommit);
        hub.changed(repo, label, System.nanoTime());
    }

    /**
     * A configuration reload: the session limits, heartbeat and queue bounds apply from now on
     * (bind, port and {@code ws.max-message}, fixed in the listening socket, need a restart).
     */
    @Override
    public void reload(VortexConfig next, ConfigDiff diff) {
        cfg = next.ws();
        hub.maxSubscriptions(next.ws().maxSubscriptions());
    }

    /** The feed serves another set of repositories; subscriptions of what it no longer serves end with an error naming {@code reason}. */
    public void reconfigured(String reason) {
        hub.reconfigured(reason);
    }

    /**
     * Sends close 1001 to every session and waits up to half of {@code timeout} for the close
     * frames to go out while the server still runs; then stops the library's server, drops any
     * connection that could not take its close frame, and stops every thread.
     */
    public void stop(Duration timeout) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        Collection<WebSocket> open = endpoint.getConnections();
        for (WebSocket c : open) {
            c.close(CloseFrame.GOING_AWAY, "server shutting down");
        }
        try {
            synchronized (closedSignal) {
                long graceEnd = start + timeout.toNanos() / 2;
                for (long left; !endpoint.getConnections().isEmpty() && (left = graceEnd - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(closedSignal, left);
                }
            }
            long left = timeout.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            endpoint.stop((int) Math.max(1, left), "server shutting down");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (WebSocket c : endpoint.getConnections()) {
            c.closeConnection(CloseFrame.GOING_AWAY, "server shutting down");
        }
        stopNow();
        try {
            hubThread.awaitTermination(Math.max(0, start + timeout.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.complete(null);
        LOG.info("ws stopped", "closed_sessions", open.size());
    }

    private void stopNow() {
        scheduler.shutdownNow();
        tlsTasks.shutdown();
        hubThread.shutdown();
    }

    // ---- heartbeat ----

    private void heartbeatGuarded() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.error("ws heartbeat failed", e);
        }
    }

    /**
     * One heartbeat scan at the clock's now: pings due sessions, drops those whose pong is overdue,
     * and drops connections that have not finished their opening handshake within the pong timeout.
     */
    void heartbeat() {
        synchronized (heartbeatLock) {
            long now = clock.millis();
            long ping = cfg.ping().toMillis();
            long pong = cfg.pongTimeout().toMillis();
            dropStalledHandshakes(now, pong);
            for (WebSocket c : endpoint.getConnections()) {
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
            if (c.isOpen() || c.isClosed()) {
                it.remove();
            } else if (now - e.getValue() >= timeout) {
                it.remove();
                refused("handshake timeout");
                c.closeConnection(CloseFrame.NEVER_CONNECTED, "no handshake within " + timeout + " ms");
            }
        }
    }

    /** Connections accepted and still in their opening handshake (for tests). */
    int handshaking() {
        return handshaking.size();
    }

    /** The accepted sessions (for tests). */
    List<Session> sessions() {
        List<Session> out = new ArrayList<>();
        for (WebSocket c : endpoint.getConnections()) {
            if (c.getAttachment() instanceof Session s) {
                out.add(s);
            }
        }
        return out;
    }

    // ---- output ----

    /** The library's send queue, fed pre-framed bytes; see {@link Session} for the bound in front of it. */
    private final class LibraryWire implements Session.Wire {
        @Override
        public int pending(WebSocket conn) {
            return ((WebSocketImpl) conn).outQueue.size();
        }

        @Override
        public void write(WebSocket conn, ByteBuffer frame) {
            // Exactly what WebSocketImpl.send does with one frame, minus framing it again per session.
            ((WebSocketImpl) conn).outQueue.add(frame);
            endpoint.onWriteDemand(conn);
        }
    }

    private final class Out implements Hub.Outbox {
        @Override
        public void send(Session s, Frame f) {
            if (offer(s, f)) {
                sent.inc(f.type());
                bytesSent.add(f.size());
            }
        }

        @Override
        public void sendAll(Collection<Session> to, Frame f) {
            int n = 0;
            for (Session s : to) {
                if (offer(s, f)) {
                    n++;
                }
            }
            if (n > 0) {
                sent.add(n, f.type());
                bytesSent.add((double) n * f.size());
            }
        }

        @Override
        public void refuse(Session s, int closeCode, String reason, String errorCode, String message) {
            send(s, messages.error(errorCode, message));
            s.shut();
            refused(reason);
            s.conn.close(closeCode, reason);
        }

        private boolean offer(Session s, Frame f) {
            try {
                return switch (s.offer(f, cfg.queueMessages(), cfg.queueBytes())) {
                    case SENT -> true;
                    case CLOSED -> false;
                    case OVERFLOW -> {
                        overflow(s);
                        yield false;
                    }
                };
            } catch (RuntimeException e) {
                LOG.warn("ws send failed", e, "session", s);
                return false;
            }
        }
    }

    private void overflow(Session s) {
        overflows.inc();
        LOG.info("ws session too slow: outbound queue over its bound, closing 1013", "session", s,
                "queue_messages", cfg.queueMessages(), "queue_bytes", cfg.queueBytes());
        s.conn.close(CloseCodes.TRY_AGAIN_LATER, "outbound queue full");
        // The close frame waits behind the backlog; a client that reads nothing never takes it.
        long grace = cfg.pongTimeout().toMillis();
        try {
            scheduler.schedule(() -> {
                if (!s.conn.isClosed()) {
                    s.conn.closeConnection(CloseCodes.TRY_AGAIN_LATER, "outbound queue full");
                }
            }, grace, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            s.conn.closeConnection(CloseCodes.TRY_AGAIN_LATER, "outbound queue full");
        }
    }

    // Every message type, close code and refusal reason the server produces has a sample from the start.
    private static void startAtZero(Metrics metrics) {
        for (String type : List.of("config_snapshot", "config_change", "error", "subscribed", "unsubscribed")) {
            metrics.startAtZero("vortex_ws_messages_sent_total", type);
        }
        for (int code : new int[] {1000, 1001, 1002, 1006, 1007, 1008, 1009, 1011, CloseCodes.TRY_AGAIN_LATER,
                CloseCodes.BAD_REQUEST, CloseCodes.UNAUTHORIZED, CloseCodes.NOT_FOUND}) {
            metrics.startAtZero("vortex_ws_closed_total", Integer.toString(code));
        }
        for (String reason : List.of("bad request", "unauthorized", "too many sessions", "unknown application", "unknown label",
                "handshake timeout", "handshake too large")) {
            metrics.startAtZero("vortex_ws_rejected_total", reason.replace(' ', '_'));
        }
    }

    private void refused(String reason) {
        rejected.inc(reason.replace(' ', '_'));
    }

    /** Sends one error then closes: the only way to refuse that every client can read (PROTOCOL.md). */
    private void refuse(WebSocket conn, int closeCode, String reason, String errorCode, String message) {
        refused(reason);
        Frame f = messages.error(errorCode, message);
        if (conn.isOpen()) {
            wire.write(conn, f.view());
            sent.inc(f.type());
            bytesSent.add(f.size());
        }
        conn.close(closeCode, reason);
    }

    /** How the library makes a connection: each one noted until its handshake ends, its socket read through {@link BoundedHandshake}. */
    private final class Connections implements WebSocketServerFactory {
        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
            return noted(new WebSocketImpl(a, d));
        }

        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
            return noted(new WebSocketImpl(a, drafts));
        }

        private WebSocketImpl noted(WebSocketImpl conn) {
            handshaking.put(conn, clock.millis());
            return conn;
        }

        @Override
        public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
            if (tls != null) {
                // WSS: the library's TLS channel (the handshake byte bound applies to plain connections)
                channel.configureBlocking(false);
                return new TlsChannel(channel, tls.engine(), tlsTasks, key);
            }
            return new BoundedHandshake(channel, (WebSocket) key.attachment(), MAX_HANDSHAKE, () -> refused("handshake too large"));
        }

        @Override
        public void close() {
        }
    }

    // ---- the library's callbacks ----

    private final class Endpoint extends WebSocketServer {
        Endpoint(InetSocketAddress address, Draft_6455 draft) {
            super(address, List.of(draft));
            setReuseAddr(true);
            setTcpNoDelay(true);
            setDaemon(true);
            setConnectionLostTimeout(0); // our heartbeat replaces the library's (whole seconds, ping = 2/3 timeout)
            setMaxPendingConnections(1024); // the JDK's default accept backlog of 50 drops SYNs in a reconnect storm
            setWebSocketFactory(new Connections());
        }

        @Override
        public void onStart() {
            started.complete(null);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            try {
                open(conn, handshake);
            } catch (RuntimeException e) {
                LOG.error("ws open failed", e);
                conn.close(CloseFrame.UNEXPECTED_CONDITION, "internal error");
            }
        }

        private void open(WebSocket conn, ClientHandshake handshake) {
            handshaking.remove(conn);
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
            TokenCheck.Admission admission = tokens.admit(ok.token(), handshake.getFieldValue("Authorization").isEmpty()
                    ? null : handshake.getFieldValue("Authorization"), address);
            if (admission instanceof TokenCheck.Refused no) {
                LOG.debug("ws refused", "reason", no.errorCode());
                refuse(conn, no.closeCode(), no.errorCode().toLowerCase(java.util.Locale.ROOT), no.errorCode(), no.message());
                return;
            }
            dev.vortex.ops.Principal principal = ((TokenCheck.Admitted) admission).principal();
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
                if (sessions.incrementAndGet() > cfg.maxSessions()) {
                    sessions.decrementAndGet();
                    refuse(conn, CloseCodes.TRY_AGAIN_LATER, "too many sessions", "TOO_MANY_SESSIONS",
                            "the server holds its maximum of " + cfg.maxSessions() + " sessions; retry later");
                    return;
                }
                Session s = new Session(conn, wire, clock.millis(), principal);
                conn.setAttachment(s);
                LOG.debug("ws session opened", "session", s, "principal", principal.name(),
                        "subscription", ok.text() == null ? "" : ok.text());
                hub.opened(s, ok.pattern(), ok.text());
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            closed.inc(Integer.toString(code));
            if (stopping.get()) {
                synchronized (closedSignal) {
                    closedSignal.notifyAll();
                }
            }
            if (conn.getAttachment() instanceof Session s && s.markClosed()) {
                s.shut();
                sessions.decrementAndGet();
                LOG.debug("ws session closed", "session", s, "code", code, "remote", remote);
                hub.closed(s);
            }
        }

        @Override
        public void onMessage(WebSocket conn, String text) {
            if (!(conn.getAttachment() instanceof Session s) || s.isShut()) {
                return;
            }
            if (!s.allowMessage(clock.millis(), cfg.maxRate())) {
                conn.close(CloseFrame.POLICY_VALIDATION, "more than " + cfg.maxRate() + " messages in 1 s");
                return;
            }
            Inbound m = Inbound.parse(text);
            if (m instanceof Inbound.Pong) {
                s.pong();
                return;
            }
            hub.received(s, m);
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            if (!(conn.getAttachment() instanceof Session s) || s.isShut()) {
                return;
            }
            if (!s.allowMessage(clock.millis(), cfg.maxRate())) {
                conn.close(CloseFrame.POLICY_VALIDATION, "more than " + cfg.maxRate() + " messages in 1 s");
                return;
            }
            hub.received(s, new Inbound.Bad("BAD_MESSAGE", "binary frames are not part of the protocol; send JSON text"));
        }

        @Override
        public void onWebsocketPong(WebSocket conn, Framedata f) {
            if (conn.getAttachment() instanceof Session s) {
                s.pong();
            }
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                if (!started.isDone()) {
                    started.completeExceptionally(ex);
                } else if (!stopping.get()) {
                    LOG.error("ws server died", ex);
                    stopped.completeExceptionally(ex);
                }
                return;
            }
            LOG.debug("ws connection error", "error", ex.getClass().getSimpleName(), "message", ex.getMessage());
        }
    }
}
