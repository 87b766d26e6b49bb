package dev.vortex.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import dev.vortex.testing.WsFrames;

/**
 * A benchmark client process: many WebSocket connections on one selector thread (a minimal
 * RFC 6455 client: handshake, unmasked server frames, pong, close), driven over stdin and
 * reporting over stdout. For every {@code config_change} frame it records the latency from the
 * {@code /bench.sent} value (the sender's {@link System#nanoTime()}, which on Linux is the
 * system-wide monotonic clock, so comparable across processes).
 *
 * <pre>
 * stdin:  connect HOST PORT PATH N [deflate] → stdout: connected OK FAILED
 *                                     (deflate: offers permessage-deflate and inflates compressed frames)
 *         report                     → stdout: lat N v1 v2 …   (nanoseconds, then cleared)
 *         close                      → stdout: closed
 * stdout: done K   each time every connection of this process has received K changes
 * </pre>
 */
public final class WsBenchClient {
    private static final byte[] MARKER = "/bench.sent\",\"value\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANGE = "\"config_change\"".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CONNECTING = 200;

    private final Selector selector;
    private final PrintStream out;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Conn> conns = new ArrayList<>();
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(1 << 18);
    private long[] latencies = new long[1024];
    private int latencyCount;
    private long changes;
    private int open;
    private int failed;
    private int pendingConnects;
    private List<InetSocketAddress> toConnect = new ArrayList<>();
    private String connectPath;
    private boolean connectDeflate;
    private int connectTarget;
    /** Inflates compressed server messages (no context takeover: one inflater, reset per message). */
    private final Inflater inflater = new Inflater(true);
    private byte[] inflated = new byte[1 << 16];
    private int inflatedLength;

    private WsBenchClient(PrintStream out) throws IOException {
        this.selector = Selector.open();
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        WsBenchClient c = new WsBenchClient(out);
        Thread loop = Thread.ofPlatform().name("bench-client-selector").start(c::loop);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "connect" -> c.run(() -> c.connect(new InetSocketAddress(w[1], Integer.parseInt(w[2])), w[3], Integer.parseInt(w[4]),
                        w.length > 5 && w[5].equals("deflate")));
                case "report" -> c.run(c::report);
                case "close" -> c.run(c::closeAll);
                case "quit" -> {
                    loop.interrupt();
                    System.exit(0);
                }
                default -> out.println("error unknown command " + w[0]);
            }
        }
        System.exit(0);
    }

    private void run(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    private static final class Conn {
        final SocketChannel ch;
        boolean handshaken;
        ByteBuffer pending = ByteBuffer.allocate(0);
        ByteBuffer out;
        long changes;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private void connect(InetSocketAddress addr, String path, int n, boolean deflate) {
        connectPath = path;
        connectDeflate = deflate;
        connectTarget = n;
        open = 0;
        failed = 0;
        toConnect = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            toConnect.add(addr);
        }
        startMore();
    }

    private void startMore() {
        while (pendingConnects < MAX_CONNECTING && !toConnect.isEmpty()) {
            InetSocketAddress addr = toConnect.removeLast();
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(ch);
                String req = "GET " + connectPath + " HTTP/1.1\r\nHost: " + addr.getHostString() + ":" + addr.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + (connectDeflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "") + "\r\n";
                c.out = ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
                pendingConnects++;
                if (ch.connect(addr)) {
                    ch.register(selector, SelectionKey.OP_WRITE | SelectionKey.OP_READ, c);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                failed++;
                checkConnected();
            }
        }
    }

    private void checkConnected() {
        if (connectTarget > 0 && open + failed == connectTarget) {
            out.println("connected " + open + " " + failed);
            connectTarget = 0;
        }
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
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
                            c.ch.write(c.out);
                            if (!c.out.hasRemaining()) {
                                k.interestOps(SelectionKey.OP_READ);
                            }
                        }
                        if (k.isValid() && k.isReadable()) {
                            read(c, k);
                        }
                    } catch (IOException e) {
                        drop(c, k);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            out.println("error selector " + e);
        }
    }

    private void drop(Conn c, SelectionKey k) {
        k.cancel();
        try {
            c.ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (!c.handshaken) {
            pendingConnects--;
            failed++;
            checkConnected();
            startMore();
        } else {
            conns.remove(c);
        }
    }

    private void read(Conn c, SelectionKey k) throws IOException {
        readBuf.clear();
        int n = c.ch.read(readBuf);
        if (n < 0) {
            drop(c, k);
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
                drop(c, k);
                return;
            }
            c.handshaken = true;
            conns.add(c);
            pendingConnects--;
            open++;
            checkConnected();
            startMore();
        }
        frames(c, data);
        keep(c, data);
    }

    private static void keep(Conn c, ByteBuffer data) {
        if (data.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data).flip();
            c.pending = copy;
        } else if (c.pending.capacity() > 0) {
            c.pending = ByteBuffer.allocate(0);
        }
    }

    private void frames(Conn c, ByteBuffer b) throws IOException {
        while (true) {
            WsFrames.Header h = WsFrames.header(b);
            if (h == null || b.remaining() < h.frameLength()) {
                return;
            }
            int payload = b.position() + h.headerLength();
            long len = h.payloadLength();
            switch (h.opcode()) {
                case 1 -> {
                    if ((b.get(b.position()) & 0x40) != 0) {
                        text(c, inflate(b, payload, (int) len), 0, inflatedLength);
                    } else {
                        text(c, b, payload, (int) len);
                    }
                }
                case 8 -> {
                    c.ch.close();
                    conns.remove(c);
                }
                case 9 -> pong(c, b, payload, (int) len);
                default -> {
                }
            }
            b.position(payload + (int) len);
        }
    }

    private void text(Conn c, ByteBuffer b, int from, int len) {
        if (indexOf(b, from, from + len, CHANGE) < 0) {
            return;
        }
        long now = System.nanoTime();
        int at = indexOf(b, from, from + len, MARKER);
        if (at >= 0) {
            long sent = 0;
            for (int i = at + MARKER.length; i < from + len && Character.isDigit(b.get(i)); i++) {
                sent = sent * 10 + (b.get(i) - '0');
            }
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = now - sent;
        }
        c.changes++;
        changes++;
        if (!conns.isEmpty() && changes % conns.size() == 0) {
            out.println("done " + changes / conns.size());
        }
    }

    /** RFC 7692 §7.2.2: the payload plus 00 00 ff ff, inflated. */
    private ByteBuffer inflate(ByteBuffer b, int from, int len) throws IOException {
        byte[] in = new byte[len + 4];
        b.get(from, in, 0, len);
        in[len + 2] = (byte) 0xff;
        in[len + 3] = (byte) 0xff;
        inflater.reset();
        inflater.setInput(in);
        inflatedLength = 0;
        try {
            while (true) {
                inflatedLength += inflater.inflate(inflated, inflatedLength, inflated.length - inflatedLength);
                if (inflatedLength < inflated.length) {
                    break; // room left: the input is used up
                }
                inflated = Arrays.copyOf(inflated, inflated.length * 2);
            }
        } catch (DataFormatException e) {
            throw new IOException("bad compressed frame", e);
        }
        return ByteBuffer.wrap(inflated);
    }

    private static void pong(Conn c, ByteBuffer b, int from, int len) throws IOException {
        ByteBuffer f = ByteBuffer.allocate(6 + len);
        f.put((byte) 0x8A).put((byte) (0x80 | len)).putInt(0); // masked with a zero key
        for (int i = 0; i < len; i++) {
            f.put(b.get(from + i));
        }
        f.flip();
        c.ch.write(f);
    }

    private static int indexOf(ByteBuffer b, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void report() {
        StringBuilder sb = new StringBuilder(latencyCount * 8 + 16).append("lat ").append(latencyCount);
        for (int i = 0; i < latencyCount; i++) {
            sb.append(' ').append(latencies[i]);
        }
        out.println(sb);
        latencyCount = 0;
    }

    private void closeAll() {
        for (Conn c : conns) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        conns.clear();
        changes = 0;
        out.println("closed");
    }
}
