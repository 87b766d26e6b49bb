package dev.vortex.ws;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.protocols.Protocol;

/**
 * The WebSocket endpoint of PROTOCOL.md on {@code ws.bind:ws.port}, assembled from its parts:
 * {@link Endpoint} (the library adapter), {@link Connections} (admission, inbound limits),
 * {@link Heartbeat} (pings and the handshake watchdog), {@link Outbound} (the bounded session
 * queues) and the {@link Hub} (subscriptions and fan-out on its own thread), so the library's
 * selector and worker threads only move bytes and parse small client messages.
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
    private final Hub hub;
    private final Heartbeat heartbeat;
    private final Connections connections;
    private final Endpoint endpoint;
    private final ExecutorService hubThread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    public WsServer(VortexConfig.Ws cfg, ConfigFeed feed, TokenCheck tokens, Metrics metrics, InstantSource clock) {
        this(cfg, feed, tokens, metrics, clock, null);
    }

    /** {@code tls}: serve WSS with it (null: plain WebSocket). */
    public WsServer(VortexConfig.Ws cfg, ConfigFeed feed, TokenCheck tokens, Metrics metrics, InstantSource clock, Tls tls) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(clock, "clock");
        Messages messages = new Messages(clock, feed::replica);
        WsMetrics counters = new WsMetrics(metrics);
        this.hubThread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("vortex-ws-hub").daemon(true).unstarted(r));
        // the heartbeat reads the endpoint's connections only once it runs, after the endpoint exists
        // each beat also bounds how long Catchup holds a client (the hub exists once the heartbeat runs)
        this.heartbeat = new Heartbeat(this::cfg, clock, this::openConnections, counters, this::expireHolds);
        Outbound outbound = new Outbound(this::cfg, messages, counters, heartbeat);
        this.hub = new Hub(new Hub.Parts(feed, messages, outbound, hubThread, cfg.maxSubscriptions(), metrics, clock));
        this.connections = new Connections(new Connections.Parts(this::cfg, tokens, clock, messages, counters, heartbeat, hub));
        metrics.gauge("vortex_ws_sessions", "Open WebSocket sessions.", connections::sessions);
        metrics.gauge("vortex_ws_subscriptions", "(session, app/profile/label) subscriptions.", hub::subscriptions);
        int maxFrame = (int) Math.min(Integer.MAX_VALUE, cfg.maxMessage());
        // Clients with and without the vortex.v1 subprotocol are both accepted; the frame size
        // limit makes the library refuse an oversized message (1009) from its header, before
        // reading or parsing it, fragmented or not; an unmasked client frame is refused (1002).
        // permessage-deflate is agreed with the clients that offer it while ws.compression is on.
        ClientDraft draft = new ClientDraft(List.of(new Protocol("vortex.v1"), new Protocol("")), maxFrame,
                new PermessageDeflate(() -> this.cfg.compression(), maxFrame));
        this.endpoint = new Endpoint(new Endpoint.Parts(new InetSocketAddress(cfg.bind(), cfg.port()), draft, tls, MAX_HANDSHAKE,
                heartbeat, counters, connections));
        endpoint.died().whenComplete((v, e) -> {
            if (e != null && !stopped.isDone()) {
                LOG.error("ws server died", e);
                stopped.completeExceptionally(e);
            }
        });
    }

    private void expireHolds() {
        hub.expireHolds();
    }

    private Collection<WebSocket> openConnections() {
        return endpoint.getConnections();
    }

    private VortexConfig.Ws cfg() {
        return cfg;
    }

    /** Binds and starts serving; fails when the address cannot be bound. */
    public void start() throws IOException {
        endpoint.start();
        try {
            endpoint.started().get(30, TimeUnit.SECONDS);
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
        heartbeat.start();
        LOG.info("ws listening", "bind", cfg.bind(), "port", port());
    }

    /** Closes (4401) every session of the named principals: they were removed or their credential changed. */
    public void closeSessionsOf(Set<String> principals) {
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
        return connections.sessions();
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
     * thread. Diffs to snapshot subscriptions are computed from what each was last sent, so coalesced
     * or repeated events are harmless; the commits say which applications the change can touch
     * (only their subscriptions are re-rendered) and what changes-only subscriptions diff between.
     */
    public void onChange(String repo, String label, String oldCommit, String newCommit) {
        LOG.debug("ws change", "repo", repo, "label", label, "old", oldCommit, "new", newCommit);
        hub.changed(repo, label, oldCommit, newCommit, System.nanoTime());
    }

    /**
     * A configuration reload: the session limits, heartbeat, queue bounds and {@code ws.compression}
     * (for new connections) apply from now on
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
        if (!connections.stopping()) {
            return;
        }
        long start = System.nanoTime();
        Collection<WebSocket> open = endpoint.getConnections();
        for (WebSocket c : open) {
            c.close(CloseFrame.GOING_AWAY, "server shutting down");
        }
        try {
            connections.awaitCloses(() -> endpoint.getConnections().isEmpty(), timeout.toNanos() / 2);
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
        heartbeat.stop();
        hub.stop();
        endpoint.release();
        hubThread.shutdown();
    }

    /** One heartbeat scan at the clock's now (for tests). */
    void heartbeat() {
        heartbeat.beat();
    }

    /** Connections accepted and still in their opening handshake (for tests). */
    int handshaking() {
        return heartbeat.handshaking();
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
}
