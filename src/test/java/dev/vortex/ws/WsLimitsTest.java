package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.VortexConfig;
import dev.vortex.testing.FakeClock;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.java_websocket.enums.Opcode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WsLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WsFixture fx = new WsFixture();
    private final FakeFeed feed = fx.feed;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static VortexConfig.Ws cfg(int maxSessions, Duration ping, Duration pong, int queueMessages, long queueBytes, int maxRate) {
        return new VortexConfig.Ws("127.0.0.1", 0, maxSessions, ping, pong, queueMessages, queueBytes, 64L << 10, maxRate, 1000);
    }

    private static Map<String, Object> big(int generation) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) {
            m.put("key." + i, generation + "-" + "v".repeat(200));
        }
        return m;
    }

    private void refused(WsServer server, String path, int code, String errorCode) {
        TestClient c = fx.track(TestClient.attempt(server.port(), path));
        assertEquals(errorCode, c.next("error").get("code").asText());
        await().atMost(WAIT).until(() -> c.closeCode != -1);
        assertEquals(code, c.closeCode);
        assertTrue(c.closedByServer);
        assertTrue(c.inbox.isEmpty(), "nothing but the error on a refused session");
    }

    @Test
    void slowReader_doesNotDelayOthers_andIsClosed1013() throws Exception {
        String prev = feed.commit("main", "myapp", "prod", big(0));
        // Messages are ~90 KB: the bound of 8 messages (1 MiB) is what the slow reader hits.
        WsServer server = fx.start(cfg(100, Duration.ofSeconds(30), Duration.ofSeconds(1), 8, 1L << 20, 100),
                TokenCheck.open(), InstantSource.system());
        try (RawClient slow = new RawClient(server.port(), "/ws/myapp/prod")) {
            TestClient fast = fx.client(server, "/ws/myapp/prod");
            fast.next("config_snapshot");

            // Each change waits for the fast client to have the previous one, as a live system
            // would see it; the raw client takes nothing after its handshake. 200 changes are 18 MB:
            // far past what the kernel's socket buffers take in on loopback (up to 4 MB sending,
            // tcp_wmem), so the slow reader's queue fills whatever they take.
            int changes = 200;
            for (int i = 1; i <= changes; i++) {
                String next = feed.commit("main", "myapp", "prod", big(i));
                server.onChange(FakeFeed.REPO, "main", prev, next);
                prev = next;
                fast.next("config_change");
            }
            assertEquals(big(changes), fast.config(new Target("myapp", "prod", "main")));
            await().atMost(WAIT).alias("the slow reader closed 1013").until(() -> fx.counter("vortex_ws_closed_total", "1013") == 1);
            assertEquals(1, fx.counter("vortex_ws_queue_overflows_total"));
            await().atMost(WAIT).until(() -> server.sessionCount() == 1);
            assertTrue(fast.isOpen());
            assertEquals(List.of(), fast.violations());
            assertTrue(slow.drainToEof() > 0, "the server closed the slow reader's connection");
        }
    }

    @Test
    void moreThanMaxRateMessagesInOneSecond_closes1008() {
        FakeClock clock = new FakeClock();
        WsServer server = fx.start(cfg(100, Duration.ofSeconds(30), Duration.ofSeconds(10), 256, 4L << 20, 100),
                TokenCheck.open(), clock);
        TestClient c = fx.client(server, "/ws");

        for (int i = 0; i < 99; i++) {
            c.sendJson("{\"type\":\"pong\"}");
        }
        c.sendJson("{\"type\":\"dance\"}");
        c.next("error");
        assertTrue(c.isOpen(), "100 messages in a second are allowed");
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 150; i++) {
            c.sendJson("{\"type\":\"pong\"}");
        }

        closedByServer(c, 1008);
    }

    /**
     * The server closed the session with {@code code}. The client reads that code unless the
     * server's socket still held unread client bytes when it closed (the flood, the big message):
     * TCP then answers with a reset, which can overtake the close frame, and the client sees 1006.
     */
    private void closedByServer(TestClient c, int code) {
        await().atMost(WAIT).until(() -> c.closeCode != -1);
        await().atMost(WAIT).until(() -> fx.counter("vortex_ws_closed_total", Integer.toString(code)) >= 1);
        assertTrue(c.closeCode == code || c.closeCode == 1006, "client saw " + c.closeCode);
    }

    @Test
    void messageOverMaxMessage_closes1009_evenFragmented() {
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");
        c.sendJson("x".repeat(60 << 10));
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText(), "60 KiB is within the limit");

        c.sendJson("x".repeat(1 << 20));
        closedByServer(c, 1009);

        TestClient f = fx.client(server, "/ws");
        byte[] part = "y".repeat(30 << 10).getBytes(StandardCharsets.UTF_8);
        f.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(part), false);
        f.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(part), false);
        f.sendFragmentedFrame(Opcode.TEXT, ByteBuffer.wrap(part), true);
        await().atMost(WAIT).until(() -> fx.counter("vortex_ws_closed_total", "1009") == 2);
        closedByServer(f, 1009);
    }

    @Test
    void badOrMissingToken_refused4401_goodTokenByQueryOrSubprotocolAccepted_tokenNeverLogged() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (records) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger vortex = Logger.getLogger("dev.vortex");
        Level before = vortex.getLevel();
        vortex.setLevel(Level.FINEST);
        vortex.addHandler(capture);
        try {
            feed.commit("main", "myapp", "prod", Map.of("a", 1));
            WsServer server = fx.start(WsFixture.config(), (token, authorization, address) -> "s3cret-token".equals(token)
                    ? new TokenCheck.Admitted(dev.vortex.ops.Principal.ANYONE)
                    : new TokenCheck.Refused(4401, "UNAUTHORIZED", "credentials missing or wrong"), InstantSource.system());

            refused(server, "/ws/myapp/prod?token=wrong-s3cret", 4401, "UNAUTHORIZED");
            refused(server, "/ws/myapp/prod", 4401, "UNAUTHORIZED");
            fx.client(server, "/ws/myapp/prod?token=s3cret-token").next("config_snapshot");
            TestClient sub = fx.track(TestClient.connect(server.port(), "/ws/myapp/prod", List.of("vortex.v1", "token.s3cret-token")));
            sub.next("config_snapshot");
            assertEquals("vortex.v1", sub.getProtocol().getProvidedProtocol());
            assertEquals(2, fx.counter("vortex_ws_rejected_total", "unauthorized"));
        } finally {
            vortex.removeHandler(capture);
            vortex.setLevel(before);
        }
        synchronized (records) {
            assertFalse(records.isEmpty());
            for (LogRecord r : records) {
                String line = r.getMessage() + " " + (r.getParameters() == null ? "" : List.of(r.getParameters()));
                assertFalse(line.contains("s3cret"), line);
            }
        }
    }

    @Test
    void malformedNamesOrPath_refused4400() {
        feed.commit("main", "myapp", "prod", Map.of("a", 1));
        WsServer server = fx.start();

        refused(server, "/ws/-app/prod", 4400, "BAD_REQUEST");
        refused(server, "/ws/myapp/prod/a(_)..(_)b", 4400, "BAD_REQUEST");
        refused(server, "/ws/my%2Fapp/prod", 4400, "BAD_REQUEST");
        refused(server, "/ws/*/prod", 4400, "BAD_REQUEST");
        refused(server, "/ws/myapp", 4400, "BAD_REQUEST");
        refused(server, "/nope", 4400, "BAD_REQUEST");
        assertEquals(6, fx.counter("vortex_ws_rejected_total", "bad_request"));
        assertEquals(0, server.sessionCount());
    }

    @Test
    void unknownLabelInPath_refused4404() {
        feed.commit("main", "myapp", "prod", Map.of("a", 1));
        feed.unserve("secret");
        WsServer server = fx.start();

        refused(server, "/ws/myapp/prod/nosuch", 4404, "UNKNOWN_LABEL");
        refused(server, "/ws/secret/prod", 4404, "UNKNOWN_LABEL");
        await().atMost(WAIT).until(() -> server.sessionCount() == 0);
    }

    @Test
    void overMaxSessions_refused1013_untilOneLeaves() {
        WsServer server = fx.start(cfg(2, Duration.ofSeconds(30), Duration.ofSeconds(10), 256, 4L << 20, 100),
                TokenCheck.open(), InstantSource.system());
        TestClient a = fx.client(server, "/ws");
        fx.client(server, "/ws");

        refused(server, "/ws", 1013, "TOO_MANY_SESSIONS");
        assertEquals(2, server.sessionCount());

        a.close();
        await().atMost(WAIT).until(() -> server.sessionCount() == 1);
        TestClient c = fx.client(server, "/ws");
        c.sendJson("{\"type\":\"dance\"}");
        c.next("error");
    }

    @Test
    void handshakeNotFinishedWithinPongTimeout_connectionDropped_sessionsUnaffected() throws Exception {
        FakeClock clock = new FakeClock();
        WsServer server = fx.start(cfg(100, Duration.ofSeconds(30), Duration.ofSeconds(10), 256, 4L << 20, 100),
                TokenCheck.open(), clock);
        TestClient open = fx.client(server, "/ws");
        try (Socket silent = new Socket("127.0.0.1", server.port());
             Socket trickling = new Socket("127.0.0.1", server.port());
             Socket refused = new Socket("127.0.0.1", server.port())) {
            trickling.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            refused.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            await().atMost(WAIT).until(() -> server.handshaking() == 3);

            clock.advance(Duration.ofSeconds(9));
            server.heartbeat();
            assertEquals(3, server.handshaking(), "within the pong timeout");
            clock.advance(Duration.ofSeconds(1));
            server.heartbeat();

            assertEquals(0, server.handshaking());
            for (Socket s : List.of(silent, trickling, refused)) {
                assertTrue(closedByServer(s));
            }
            assertEquals(3, fx.counter("vortex_ws_rejected_total", "handshake_timeout"));
            assertTrue(open.isOpen());
            assertEquals(1, server.sessionCount());
        }
    }

    @Test
    void handshakeOver64KiB_closedAtOnce_largeHandshakeAccepted() throws Exception {
        WsServer server = fx.start();
        try (Socket endless = new Socket("127.0.0.1", server.port())) {
            endless.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\nX-Long: ".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "a".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 16; i++) {
                    endless.getOutputStream().write(chunk);
                }
            } catch (java.net.SocketException e) {
                // reset while still writing: the server has closed it
            }
            assertTrue(closedByServer(endless));
        }
        assertEquals(1, fx.counter("vortex_ws_rejected_total", "handshake_too_large"));
        // 40 KiB of cookies is a large handshake, not an attack
        RawClient big = new RawClient(server.port(), "/ws", "Cookie: " + "c".repeat(40 << 10) + "\r\n");
        big.close();
    }

    /** Reads (a refusal's 404 answer, say) until the server ends or resets the connection; false if it stays open for 10 s. */
    private static boolean closedByServer(Socket s) throws java.io.IOException {
        s.setSoTimeout(10_000);
        try {
            while (s.getInputStream().read() >= 0) {
                // what came before the end
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /**
     * The library reads a socket's end on its selector thread while a worker still decodes the
     * handshake, closes the connection, and then marks it open anyway: such a client must not stay
     * counted (nor registered) until the heartbeat finds it.
     */
    @Test
    void clientsLeavingRightAfterTheUpgrade_leaveNoSessionBehind() throws Exception {
        WsServer server = fx.start();
        byte[] upgrade = ("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 1000; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(upgrade);
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0); // a reset rather than an end
                }
            }
        }
        await().atMost(WAIT).until(() -> server.sessionCount() == 0 && server.sessions().isEmpty() && server.handshaking() == 0);
    }

    @Test
    void heartbeat_pingsIdleSessions_andDropsThoseWithoutPong() {
        FakeClock clock = new FakeClock();
        WsServer server = fx.start(cfg(100, Duration.ofSeconds(30), Duration.ofSeconds(10), 256, 4L << 20, 100),
                TokenCheck.open(), clock);
        TestClient alive = fx.client(server, "/ws");
        TestClient silent = fx.client(server, "/ws");
        silent.answerPings = false;
        await().atMost(WAIT).until(() -> server.sessionCount() == 2);

        clock.advance(Duration.ofSeconds(29));
        server.heartbeat();
        clock.advance(Duration.ofSeconds(1));
        server.heartbeat();
        await().atMost(WAIT).until(() -> alive.pings.get() == 1 && silent.pings.get() == 1);
        await().atMost(WAIT).until(() -> server.sessions().stream().filter(Session::awaitingPong).count() == 1);

        clock.advance(Duration.ofSeconds(10));
        server.heartbeat();

        await().atMost(WAIT).until(() -> silent.closeCode != -1);
        assertTrue(alive.isOpen());
        await().atMost(WAIT).until(() -> server.sessionCount() == 1);
        assertEquals(1, alive.pings.get(), "no second ping before another 30 s");
    }

    @Test
    void portInUse_startFailsNamingTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            var base = WsFixture.config();
            VortexConfig.Ws cfg = new VortexConfig.Ws(base.bind(), taken.getLocalPort(), base.maxSessions(), base.ping(),
                    base.pongTimeout(), base.queueMessages(), base.queueBytes(), base.maxMessage(), base.maxRate(), base.maxSubscriptions());
            WsServer server = new WsServer(cfg, feed, TokenCheck.open(), fx.metrics, InstantSource.system());

            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, server::start);
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void stop_closesEverySession1001_evenWithAClientThatNeverReads() throws Exception {
        feed.commit("main", "myapp", "prod", big(0));
        WsServer server = fx.start();
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestClient c = fx.client(server, "/ws/myapp/prod");
            c.next("config_snapshot");
            clients.add(c);
        }
        try (RawClient stuck = new RawClient(server.port(), "/ws/myapp/prod")) {
            long start = System.nanoTime();
            server.stop(Duration.ofSeconds(2));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "stop is bounded");
            for (TestClient c : clients) {
                await().atMost(WAIT).until(() -> c.closeCode != -1);
            }
            assertEquals(List.of(1001, 1001, 1001), clients.stream().map(c -> c.closeCode).toList());
            assertTrue(server.stopped().isDone());
            assertEquals(0, server.sessionCount());
            assertTrue(stuck.drainToEof() > 0, "the client that never read was dropped too");
        }
    }
}
