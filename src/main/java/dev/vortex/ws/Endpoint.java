package dev.vortex.ws;

import dev.vortex.ops.Log;
import dev.vortex.ops.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The adapter to Java-WebSocket: its server, how it makes connections (each noted by the
 * {@link Heartbeat} until its handshake ends; plain sockets read through {@link BoundedHandshake},
 * TLS through {@link TlsChannel}) and its callbacks, passed on to {@link Events}. Nothing here
 * decides anything.
 */
final class Endpoint extends WebSocketServer {

    /** The library's callbacks, as the server needs them. */
    interface Events {
        void opened(WebSocket conn, ClientHandshake handshake);

        void closed(WebSocket conn, int code, boolean remote);

        void text(WebSocket conn, String text);

        void binary(WebSocket conn);

        void pong(WebSocket conn);
    }

    /** The library's send queue, fed pre-framed bytes; see {@link Session} for the bound in front of it. */
    static final Session.Wire WIRE = new Session.Wire() {
        @Override
        public int pending(WebSocket conn) {
            return ((WebSocketImpl) conn).outQueue.size();
        }

        @Override
        public void write(WebSocket conn, ByteBuffer frame) {
            // Exactly what WebSocketImpl.send does with one frame, minus framing it again per session.
            ((WebSocketImpl) conn).outQueue.add(frame);
            ((WebSocketImpl) conn).getWebSocketListener().onWriteDemand(conn);
        }

        // What the library's onWriteDemand does, minus its selector.wakeup(): the batch wakes the selector once.
        @Override
        public void queue(WebSocket conn, ByteBuffer frame) {
            WebSocketImpl impl = (WebSocketImpl) conn;
            impl.outQueue.add(frame);
            SelectionKey key = impl.getSelectionKey();
            if (key == null) {
                impl.getWebSocketListener().onWriteDemand(conn);
                return;
            }
            try {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } catch (CancelledKeyException e) {
                impl.outQueue.clear();
            }
        }

        @Override
        public void wake(WebSocket conn) {
            SelectionKey key = ((WebSocketImpl) conn).getSelectionKey();
            if (key != null) {
                key.selector().wakeup();
            }
        }
    };

    /**
     * The first frame queued on {@code conn} when nothing is going to write it: the send queue holds
     * bytes but the selection key lacks OP_WRITE; null otherwise. Java-WebSocket 1.6.0 leaves a
     * connection so when a frame is queued from another thread ({@code onWriteDemand}: OP_READ |
     * OP_WRITE, wakeup) just after the selector thread found the queue empty in
     * {@code SocketChannelIOHelper.batch} and before its {@code doWrite} sets OP_READ alone: that
     * reset drops the demand. (Cf. TooTallNate/Java-WebSocket#145: its 2013 fix, commit 7d4d69a, made
     * the demand set the interest at once; 1.6.0's reset after a write still races it.) Until
     * something queues another frame, the bytes (a close frame, say) are never sent.
     */
    static ByteBuffer stalledWrite(WebSocket conn) {
        WebSocketImpl impl = (WebSocketImpl) conn;
        SelectionKey key = impl.getSelectionKey();
        ByteBuffer first = impl.outQueue.peek();
        try {
            return first != null && key != null && (key.interestOps() & SelectionKey.OP_WRITE) == 0 ? first : null;
        } catch (CancelledKeyException e) {
            return null; // closed: nothing more is written
        }
    }

    /** Gives a {@link #stalledWrite} its write interest back and wakes the selector to act on it. */
    static void resumeStalledWrite(WebSocket conn) {
        SelectionKey key = ((WebSocketImpl) conn).getSelectionKey();
        try {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            key.selector().wakeup();
        } catch (CancelledKeyException e) {
            // closed meanwhile: nothing to resume
        }
    }

    /** What the endpoint is built from; {@code tls} null serves plain WebSocket. */
    record Parts(InetSocketAddress address, Draft draft, Tls tls, int maxHandshake, Heartbeat heartbeat, WsMetrics metrics, Events events) {
    }

    private static final Log LOG = Log.of(Endpoint.class);

    private final Parts parts;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> died = new CompletableFuture<>();
    private final Events events;
    /** Runs the TLS engines' delegated tasks (certificate work during handshakes). */
    private final ExecutorService tlsTasks = Executors.newVirtualThreadPerTaskExecutor();

    Endpoint(Parts parts) {
        super(parts.address(), List.of(parts.draft()));
        this.parts = parts;
        this.events = parts.events();
        setReuseAddr(true);
        setTcpNoDelay(true);
        setDaemon(true);
        setConnectionLostTimeout(0); // our heartbeat replaces the library's (whole seconds, ping = 2/3 timeout)
        setMaxPendingConnections(1024); // the JDK's default accept backlog of 50 drops SYNs in a reconnect storm
        setWebSocketFactory(new Factory());
    }

    /** Stops the threads the endpoint owns besides the library's. */
    void release() {
        tlsTasks.shutdown();
    }

    private final class Factory implements WebSocketServerFactory {
        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
            return noted(new WebSocketImpl(a, d));
        }

        @Override
        public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
            return noted(new WebSocketImpl(a, drafts));
        }

        private WebSocketImpl noted(WebSocketImpl conn) {
            parts.heartbeat().accepted(conn);
            return conn;
        }

        @Override
        public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
            if (parts.tls() != null) {
                // WSS: the library's TLS channel (the handshake byte bound applies to plain connections)
                channel.configureBlocking(false);
                return new TlsChannel(channel, parts.tls().engine(), tlsTasks, key);
            }
            return new BoundedHandshake(channel, (WebSocket) key.attachment(), parts.maxHandshake(),
                    () -> parts.metrics().refused("handshake too large"));
        }

        @Override
        public void close() {
        }
    }

    /** Completes when the server listens; exceptionally when it cannot bind. */
    CompletableFuture<Void> started() {
        return started;
    }

    /** Completes exceptionally when the running server dies. */
    CompletableFuture<Void> died() {
        return died;
    }

    @Override
    public void onStart() {
        started.complete(null);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        events.opened(conn, handshake);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        events.closed(conn, code, remote);
    }

    @Override
    public void onMessage(WebSocket conn, String text) {
        events.text(conn, text);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        events.binary(conn);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
        events.pong(conn);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            if (!started.completeExceptionally(ex)) {
                died.completeExceptionally(ex);
            }
            return;
        }
        LOG.debug("ws connection error", "error", ex.getClass().getSimpleName(), "message", ex.getMessage());
    }
}
