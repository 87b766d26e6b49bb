package dev.vortex.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.render.JsonPatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many WebSocket client connections on one selector thread, for tests (and the soak) that need
 * thousands of sessions without a thread each: a minimal RFC 6455 client — handshake, masked
 * client frames, the server's text (fragmented or not), close and ping frames. Each connection
 * keeps what a careful client would: per (app, profile, label) the configuration of its last
 * snapshot with every diff applied, and its version (a change to the version held is a no-op, a
 * change from another version is recorded as a violation); the close code the server sent; and,
 * when asked, every message as text.
 */
public final class WsSwarm implements AutoCloseable {
    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> CONFIG = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Connections in their TCP or HTTP handshake at once (the server's accept backlog is finite). */
    private static final int MAX_CONNECTING = 200;

    /** What a configuration message is about. */
    public record Target(String app, String profile, String label) {
    }

    /** One connection, from connect to close. Its tracking state is read under its own lock. */
    public final class Conn {
        public final String path;
        private final String greeting;
        private SocketChannel ch;
        private SelectionKey key;
        private final Queue<ByteBuffer> out = new ArrayDeque<>();
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();
        private boolean handshaken;
        private boolean sentClose;
        private volatile boolean open;
        private volatile boolean done;
        private volatile int closeCode = -1;
        private volatile long closedAtNanos;
        private final CompletableFuture<Conn> ended = new CompletableFuture<>();
        private final Map<Target, Map<String, Object>> configs = new HashMap<>();
        private final Map<Target, String> versions = new HashMap<>();
        private final List<String> violations = new ArrayList<>();
        private final List<String> messages = new ArrayList<>();
        private final Map<String, Integer> types = new HashMap<>();

        private Conn(String path, String greeting) {
            this.path = path;
            this.greeting = greeting;
        }

        /** Handshake done and no close yet. */
        public boolean isOpen() {
            return open;
        }

        /** Closed (by either side) or failed to connect. */
        public boolean isDone() {
            return done;
        }

        /** Completes (on the swarm's thread) when the connection is {@link #isDone done}. */
        public CompletableFuture<Conn> ended() {
            return ended;
        }

        /** The code of the server's close frame; 1006 when the connection ended without one; -1 while open. */
        public int closeCode() {
            return closeCode;
        }

        /** {@link System#nanoTime()} when the connection ended, 0 while open. */
        public long closedAtNanos() {
            return closedAtNanos;
        }

        public synchronized Map<Target, Map<String, Object>> configs() {
            Map<Target, Map<String, Object>> copy = new HashMap<>();
            configs.forEach((t, c) -> copy.put(t, new LinkedHashMap<>(c)));
            return copy;
        }

        public synchronized Map<String, Object> config(Target t) {
            Map<String, Object> c = configs.get(t);
            return c == null ? null : new LinkedHashMap<>(c);
        }

        public synchronized Map<Target, String> versions() {
            return Map.copyOf(versions);
        }

        public synchronized String version(Target t) {
            return versions.get(t);
        }

        public synchronized List<String> violations() {
            return List.copyOf(violations);
        }

        /** Every message received, as text (only when the swarm records messages). */
        public synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        public synchronized int count(String type) {
            return types.getOrDefault(type, 0);
        }

        /** Starts from what {@code previous} held: a client that reconnects and resyncs keeps its state. */
        private synchronized void inherit(Conn previous) {
            synchronized (previous) {
                previous.configs.forEach((t, c) -> configs.put(t, new LinkedHashMap<>(c)));
                versions.putAll(previous.versions);
                violations.addAll(previous.violations);
            }
        }

        private synchronized void track(String text) {
            if (record) {
                messages.add(text);
            }
            JsonNode m;
            try {
                m = JSON.readTree(text);
            } catch (IOException e) {
                violations.add("unparseable message: " + text);
                return;
            }
            String type = m.path("type").asText();
            types.merge(type, 1, Integer::sum);
            switch (type) {
                case "config_snapshot" -> {
                    Target t = target(m);
                    configs.put(t, JSON.convertValue(m.get("config"), CONFIG));
                    versions.put(t, m.path("version").asText());
                }
                case "config_change" -> {
                    Target t = target(m);
                    String held = versions.get(t);
                    String next = m.path("new_version").asText();
                    if (next.equals(held)) {
                        return; // PROTOCOL.md: a change to the version already held is a no-op
                    }
                    if (!m.path("old_version").asText().equals(held)) {
                        violations.add("change from " + m.path("old_version").asText() + " but held " + held + " for " + t);
                    }
                    JsonPatch.apply(configs.computeIfAbsent(t, k -> new LinkedHashMap<>()), m.get("diff"));
                    versions.put(t, next);
                }
                default -> {
                    // error, subscribed, unsubscribed: counted only
                }
            }
        }
    }

    private final InetSocketAddress address;
    private final boolean record;
    private final Selector selector;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Conn> waiting = new ArrayDeque<>();
    private final List<Conn> all = new CopyOnWriteArrayList<>();
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(1 << 17);
    private final AtomicLong received = new AtomicLong();
    private final AtomicInteger opened = new AtomicInteger();
    private int connecting;
    private volatile boolean closed;

    private WsSwarm(InetSocketAddress address, boolean record) throws IOException {
        this.address = address;
        this.record = record;
        this.selector = Selector.open();
        this.loop = Thread.ofPlatform().name("ws-swarm").daemon().start(this::run);
    }

    /** A swarm talking to {@code ws://127.0.0.1:port}; with {@code recordMessages} every message text is kept. */
    public static WsSwarm open(int port, boolean recordMessages) {
        try {
            return new WsSwarm(new InetSocketAddress("127.0.0.1", port), recordMessages);
        } catch (IOException e) {
            throw new IllegalStateException("open a selector", e);
        }
    }

    /** Starts connecting to {@code path} (e.g. {@code /ws/shop/prod}); returns at once. */
    public Conn connect(String path) {
        return connect(path, null, null);
    }

    /**
     * Starts connecting to {@code path}; {@code greeting} (if not null) is the first message sent once
     * the handshake is done, and the connection starts from what {@code previous} (if not null) held —
     * a client reconnecting to {@code /ws} and resyncing from its last version.
     */
    public Conn connect(String path, String greeting, Conn previous) {
        Conn c = new Conn(path, greeting);
        if (previous != null) {
            c.inherit(previous);
        }
        all.add(c);
        submit(() -> {
            waiting.add(c);
            startMore();
        });
        return c;
    }

    public List<Conn> connect(String path, int n) {
        List<Conn> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(connect(path));
        }
        return out;
    }

    /** Sends a text message on an open connection. */
    public void send(Conn c, String text) {
        submit(() -> write(c, frame(0x1, text.getBytes(StandardCharsets.UTF_8))));
    }

    /** Closes a connection from the client side (close frame 1000, then the socket). */
    public void close(Conn c) {
        submit(() -> {
            if (c.open && !c.sentClose) {
                c.sentClose = true;
                write(c, frame(0x8, new byte[] {0x03, (byte) 0xE8}));
            }
            end(c, 1000);
        });
    }

    /** Every connection made so far. */
    public List<Conn> all() {
        return List.copyOf(all);
    }

    /** Connections whose handshake completed (ever). */
    public int opened() {
        return opened.get();
    }

    /** Text messages received on every connection. */
    public long received() {
        return received.get();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Conn c : all) {
            if (c.ch != null) {
                try {
                    c.ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void submit(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    private void startMore() {
        while (connecting < MAX_CONNECTING && !waiting.isEmpty()) {
            Conn c = waiting.poll();
            connecting++;
            try {
                c.ch = SocketChannel.open();
                c.ch.configureBlocking(false);
                c.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                byte[] nonce = new byte[16];
                ThreadLocalRandom.current().nextBytes(nonce);
                String req = "GET " + c.path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
                c.out.add(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
                boolean now = c.ch.connect(address);
                c.key = c.ch.register(selector, now ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            } catch (IOException e) {
                end(c, 1006);
            }
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(100);
                for (Runnable r; (r = tasks.poll()) != null; ) {
                    r.run();
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    try {
                        if (k.isValid() && k.isConnectable() && c.ch.finishConnect()) {
                            k.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                        }
                        if (k.isValid() && k.isWritable()) {
                            flush(c);
                        }
                        if (k.isValid() && k.isReadable()) {
                            read(c);
                        }
                    } catch (IOException | RuntimeException e) {
                        end(c, 1006);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            // the selector closed under us: the swarm is closing
        }
    }

    private void write(Conn c, ByteBuffer frame) {
        if (c.done || c.ch == null) {
            return;
        }
        c.out.add(frame);
        try {
            flush(c);
        } catch (IOException e) {
            end(c, 1006);
        }
    }

    private void flush(Conn c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer b = c.out.peek();
            c.ch.write(b);
            if (b.hasRemaining()) {
                c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
                return;
            }
            c.out.poll();
        }
        if (c.key.isValid()) {
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void end(Conn c, int code) {
        if (c.done) {
            return;
        }
        if (!c.handshaken) {
            connecting--;
        }
        if (c.closeCode == -1) {
            c.closeCode = code;
        }
        c.closedAtNanos = System.nanoTime();
        c.open = false;
        c.done = true;
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.ch != null) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        c.ended.complete(c);
        startMore();
    }

    private void read(Conn c) throws IOException {
        readBuf.clear();
        int n = c.ch.read(readBuf);
        if (n < 0) {
            end(c, 1006);
            return;
        }
        readBuf.flip();
        ByteBuffer data = WsFrames.joined(c.pending, readBuf);
        if (!c.handshaken) {
            int end = WsFrames.headEnd(data);
            if (end < 0) {
                keep(c, data);
                return;
            }
            String head = StandardCharsets.US_ASCII.decode(data.slice(data.position(), end - data.position())).toString();
            data.position(end);
            if (!head.startsWith("HTTP/1.1 101")) {
                end(c, 1002);
                return;
            }
            c.handshaken = true;
            c.open = true;
            connecting--;
            opened.incrementAndGet();
            if (c.greeting != null) {
                write(c, frame(0x1, c.greeting.getBytes(StandardCharsets.UTF_8)));
            }
            startMore();
        }
        frames(c, data);
        if (!c.done) {
            keep(c, data);
        }
    }

    private static void keep(Conn c, ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        c.pending = copy;
    }

    private void frames(Conn c, ByteBuffer b) {
        while (!c.done) {
            WsFrames.Header h = WsFrames.header(b);
            if (h == null || b.remaining() < h.frameLength()) {
                return;
            }
            int start = b.position();
            byte[] payload = new byte[(int) h.payloadLength()];
            b.get(start + h.headerLength(), payload);
            b.position(start + (int) h.frameLength());
            boolean fin = h.fin();
            switch (h.opcode()) {
                case 0x0, 0x1 -> {
                    c.fragments.writeBytes(payload);
                    if (fin) {
                        String text = c.fragments.toString(StandardCharsets.UTF_8);
                        c.fragments.reset();
                        received.incrementAndGet();
                        c.track(text);
                    }
                }
                case 0x8 -> {
                    c.closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                    if (!c.sentClose) {
                        c.sentClose = true;
                        write(c, frame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]));
                    }
                    end(c, c.closeCode);
                }
                case 0x9 -> write(c, frame(0xA, payload));
                default -> {
                    // pong or binary: nothing to do
                }
            }
        }
    }

    /** A masked client frame (RFC 6455 5.3: every client frame is masked). */
    private static ByteBuffer frame(int opcode, byte[] payload) {
        int len = payload.length;
        ByteBuffer f = ByteBuffer.allocate(14 + len);
        f.put((byte) (0x80 | opcode));
        if (len < 126) {
            f.put((byte) (0x80 | len));
        } else if (len <= 0xffff) {
            f.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            f.put((byte) (0x80 | 127)).putLong(len);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.put(mask);
        for (int i = 0; i < len; i++) {
            f.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return f.flip();
    }

    private static Target target(JsonNode m) {
        return new Target(m.path("app").asText(), m.path("profile").asText(), m.path("label").asText());
    }
}
