package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.RawWebSocket;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile WebSocket clients against the whole daemon (default limits, but a 4 s pong timeout so
 * stalled connections are dropped quickly, yet not an honest handshake caught in a pause of a
 * loaded test machine): invalid frames, floods, oversized messages, 10,000
 * connect/disconnect cycles, handshakes never finished, a client that never reads. The limits of
 * PROTOCOL.md hold, the session count returns to 0 and the heap to its baseline, and an ordinary
 * client is served after each.
 */
class HostileWebSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;
    private static LiveDaemon live;
    private static final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private static final Handler errorCapture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        TestRepo repo = TestRepo.springDemo(tmp.resolve("repo"));
        // ~90 KB of configuration per snapshot: a handful fill a client's socket buffers
        repo.write("big.yml", IntStream.range(0, 400).mapToObj(i -> "key" + i + ": " + "v".repeat(200))
                .collect(Collectors.joining("\n", "", "\n")));
        repo.commit("big");
        live = LiveDaemon.start(tmp, repo, "--ws.pong-timeout=4s");
        Logger.getLogger("").addHandler(errorCapture);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(errorCapture);
        if (live != null) {
            live.close();
        }
    }

    @AfterEach
    void daemonStillServes() throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod")) {
            JsonNode snapshot = JSON.readTree(c.nextText());
            assertEquals("config_snapshot", snapshot.path("type").asText());
            assertEquals(500, snapshot.path("config").path("server.limits.max-connections").asInt());
        }
        await().atMost(WAIT).until(() -> live.metric("vortex_ws_sessions") == 0);
        List<String> logged = errors.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList();
        errors.clear();
        assertEquals(List.of(), logged, "a client's mistakes are not the server's errors");
    }

    static Stream<Arguments> invalidFrames() {
        byte[] ok = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("unknown opcode 3", RawWebSocket.frame(3, ok, true, true), 1002),
                Arguments.of("unmasked text frame", RawWebSocket.frame(RawWebSocket.TEXT, ok, false, true), 1002),
                Arguments.of("text that is not UTF-8", RawWebSocket.frame(RawWebSocket.TEXT, new byte[] {'"', (byte) 0xff, (byte) 0xfe, '"'}, true, true), 1007),
                Arguments.of("RSV1 without an extension", withFirstByte(RawWebSocket.frame(RawWebSocket.TEXT, ok, true, true), 0xC1), 1002),
                Arguments.of("fragmented ping", RawWebSocket.frame(RawWebSocket.PING, new byte[] {1}, true, false), 1002),
                Arguments.of("ping of 200 bytes", RawWebSocket.frame(RawWebSocket.PING, new byte[200], true, true), 1002),
                Arguments.of("continuation never started", RawWebSocket.frame(0, ok, true, true), 1002),
                Arguments.of("close code 999", RawWebSocket.frame(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe7}, true, true), 1002),
                Arguments.of("length of 2^63", ByteBuffer.allocate(14).put((byte) 0x81).put((byte) 0xff).putLong(Long.MIN_VALUE).putInt(0).array(), 1009),
                Arguments.of("length of 1 GiB", ByteBuffer.allocate(14).put((byte) 0x81).put((byte) 0xff).putLong(1L << 30).putInt(0).array(), 1009));
    }

    private static byte[] withFirstByte(byte[] frame, int b0) {
        frame[0] = (byte) b0;
        return frame;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFrames")
    void invalidFrame_closesWithProtocolCode(String what, byte[] frame, int code) throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod")) {
            c.sendRaw(frame);
            assertEquals(code, c.awaitClose(), what);
        }
    }

    @Test
    void moreThan100MessagesInASecond_closes1008_messageOver64KiB_closes1009() throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod")) {
            byte[] burst = new byte[0];
            for (int i = 0; i < 150; i++) {
                burst = concat(burst, RawWebSocket.frame(RawWebSocket.TEXT, "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8), true, true));
            }
            c.sendRaw(burst);
            int code = c.awaitClose();
            assertTrue(code == 1008 || code == RawWebSocket.NO_CLOSE_FRAME, "closed " + code); // a reset may overtake the close frame
            await().atMost(WAIT).until(() -> live.metric("vortex_ws_closed_total{code=\"1008\"}") >= 1);
        }
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws")) {
            c.sendText("{\"type\":\"pong\",\"pad\":\"" + "x".repeat(60 << 10) + "\"}");
            double tooBig = live.metric("vortex_ws_closed_total{code=\"1009\"}");
            c.sendText("x".repeat((64 << 10) + 1));
            int code = c.awaitClose();
            assertTrue(code == 1009 || code == RawWebSocket.NO_CLOSE_FRAME, "closed " + code); // the unread rest of the message may reset
            await().atMost(WAIT).until(() -> live.metric("vortex_ws_closed_total{code=\"1009\"}") == tooBig + 1);
        }
    }

    /**
     * 10,000 connections opened and dropped by 4 threads, in every way a client can leave: a
     * close handshake, a socket closed after the upgrade, a reset, a handshake abandoned halfway.
     */
    @Test
    void tenThousandConnectDisconnectCycles_sessionsReturnTo0_heapToBaseline() throws Exception {
        cycles(400); // warm up the paths the baseline should already include
        long baseline = heapAfterGc();
        long start = System.nanoTime();
        cycles(10_000);
        long elapsed = System.nanoTime() - start;
        await().atMost(WAIT).until(() -> live.metric("vortex_ws_sessions") == 0 && live.metric("vortex_ws_subscriptions") == 0);
        long after = heapAfterGc();
        System.out.printf("10,000 ws cycles in %d ms; heap after GC %d MiB → %d MiB%n",
                elapsed / 1_000_000, baseline >> 20, after >> 20);
        assertTrue(after - baseline < 32L << 20, "heap grew from " + (baseline >> 20) + " MiB to " + (after >> 20) + " MiB");
    }

    private static void cycles(int n) throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                work.add(pool.submit(() -> {
                    for (int i = first; i < n; i += threads) {
                        cycle(i % 4);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void cycle(int way) throws IOException {
        if (way == 3) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", live.wsPort()), 5000);
                s.getOutputStream().write("GET /ws/demo/prod HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            return;
        }
        RawWebSocket c = RawWebSocket.connect(live.wsPort(), way == 0 ? "/ws/demo/prod" : "/ws");
        switch (way) {
            case 0 -> {
                c.nextText();
                c.sendClose(1000);
                assertEquals(1000, c.awaitClose());
            }
            case 1 -> {
            }
            default -> c.socket().setSoLinger(true, 0); // close sends a reset
        }
        c.close();
    }

    private static long heapAfterGc() {
        System.gc();
        return (long) live.metric("vortex_jvm_heap_used_bytes");
    }

    /** A handshake that never ends is cut off at 64 KiB, long before the pong timeout, costing neither memory nor a decoder thread. */
    @Test
    void endlessHandshake_closedAfter64KiB() throws Exception {
        double before = live.metric("vortex_ws_rejected_total{reason=\"handshake_too_large\"}");
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", live.wsPort()), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write("GET /ws/demo/prod HTTP/1.1\r\nHost: x\r\nX-Long: ".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "a".repeat(64 << 10).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 1024; i++) { // 64 MiB, if nobody stops it
                    s.getOutputStream().write(chunk);
                }
            } catch (IOException e) {
                // reset: the server closed it
            }
            assertTrue(closedByServer(s.getInputStream()));
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "cut off by size, not by the pong timeout");
        assertEquals(before + 1, live.metric("vortex_ws_rejected_total{reason=\"handshake_too_large\"}"));
    }

    /** Connections that never finish their handshake are dropped after the pong timeout, like a silent session. */
    @Test
    void handshakeNeverFinished_orRefused_connectionClosedAfterPongTimeout() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 90; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", live.wsPort()), 5000);
                s.setSoTimeout(15_000);
                switch (i % 3) {
                    case 0 -> {
                    } // says nothing
                    case 1 -> s.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    default -> s.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // no upgrade: refused
                }
                stalled.add(s);
            }
            try (RawWebSocket ordinary = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod")) {
                assertTrue(ordinary.nextText().contains("config_snapshot"));
            }
            long start = System.nanoTime();
            for (Socket s : stalled) {
                assertTrue(closedByServer(s.getInputStream()), "a stalled handshake still open after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
            assertTrue(live.metric("vortex_ws_rejected_total{reason=\"handshake_timeout\"}") >= 90);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    private static boolean closedByServer(InputStream in) {
        try {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // a refusal's 404 answer, then the end
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A client that subscribes to 200 configurations of ~90 KB and never reads: its outbound
     * queue passes 4 MiB, it is closed 1013 (and dropped once the grace ends), while a client
     * that reads keeps its session.
     */
    @Test
    void clientThatNeverReads_isClosed1013_readerUnaffected() throws Exception {
        double overflowsBefore = live.metric("vortex_ws_queue_overflows_total");
        try (RawWebSocket reader = RawWebSocket.connect(live.wsPort(), "/ws/big/default");
             RawWebSocket stuck = RawWebSocket.connect(live.wsPort(), "/ws", "", 4096)) {
            assertTrue(reader.nextText().contains("config_snapshot"));
            String patterns = IntStream.range(0, 200).mapToObj(i -> "\"big:p" + i + "\"").collect(Collectors.joining(","));
            stuck.sendText("{\"type\":\"subscribe\",\"patterns\":[" + patterns + "]}");

            await().atMost(WAIT).until(() -> live.metric("vortex_ws_queue_overflows_total") == overflowsBefore + 1);
            await().atMost(WAIT).until(() -> live.metric("vortex_ws_sessions") == 1);
            assertTrue(live.metric("vortex_ws_closed_total{code=\"1013\"}") >= 1);
            reader.sendText("{\"type\":\"dance\"}");
            assertTrue(reader.nextText().contains("BAD_MESSAGE"), "the reader's session is still served");
            assertFalse(reader.socket().isInputShutdown());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
