package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.VortexConfig;
import dev.vortex.render.JsonPatch;
import dev.vortex.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** permessage-deflate (RFC 7692): negotiation, compressed fan-out, compressed client messages, and the compression bomb. */
class DeflateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WsFixture fx = new WsFixture();
    private final FakeFeed feed = fx.feed;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** A configuration of about {@code n} keys that compresses well, as real ones do. */
    private static Map<String, Object> big(int n, String tag) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("service.endpoints[" + i + "].url", "https://svc-" + i + ".internal.example.com:8443/api/" + tag);
        }
        return m;
    }

    private static Map<String, Object> map(JsonNode n) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.convertValue(n, LinkedHashMap.class);
        return m;
    }

    private static Draft_6455 deflating(int threshold) {
        PerMessageDeflateExtension ext = new PerMessageDeflateExtension();
        ext.setThreshold(threshold);
        return new Draft_6455(ext);
    }

    private static Session only(WsServer server) {
        await().atMost(WAIT).until(() -> server.sessions().size() == 1);
        return server.sessions().getFirst();
    }

    @Test
    void javaWebSocketClients_withAndWithoutDeflate_getTheSameMessages_andTheCompressedOnesFewerBytes() {
        String c1 = feed.commit("main", "myapp", "prod", big(300, "v1"));
        WsServer server = fx.start();

        TestClient plain = fx.track(TestClient.connect(server.port(), "/ws/myapp/prod"));
        Map<String, Object> plainSnapshot = map(plain.next("config_snapshot").get("config"));
        assertFalse(only(server).deflate);
        double plainBytes = fx.counter("vortex_ws_bytes_sent_total");

        TestClient packed = fx.track(TestClient.connectWith(server.port(), "/ws/myapp/prod", deflating(1024)));
        Map<String, Object> packedSnapshot = map(packed.next("config_snapshot").get("config"));
        await().atMost(WAIT).until(() -> server.sessions().stream().filter(s -> s.deflate).count() == 1);
        double packedBytes = fx.counter("vortex_ws_bytes_sent_total") - plainBytes;

        assertEquals(big(300, "v1"), plainSnapshot);
        assertEquals(plainSnapshot, packedSnapshot);
        assertTrue(packedBytes * 5 < plainBytes, "compressed " + packedBytes + " bytes vs plain " + plainBytes);

        Map<String, Object> next = big(300, "v2");
        String c2 = feed.commit("main", "myapp", "prod", next);
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        JsonNode a = plain.next("config_change");
        JsonNode b = packed.next("config_change");
        assertEquals(a, b, "one message, the same bytes once inflated");
        JsonPatch.apply(plainSnapshot, a.get("diff"));
        JsonPatch.apply(packedSnapshot, b.get("diff"));
        assertEquals(next, plainSnapshot);
        assertEquals(next, packedSnapshot);
        assertTrue(plain.violations.isEmpty() && packed.violations.isEmpty(), plain.violations + " " + packed.violations);
    }

    @Test
    void compressedClientMessages_areInflated() {
        feed.commit("main", "myapp", "prod", Map.of("a", 1));
        feed.commit("main", "other", "prod", Map.of("b", 2));
        WsServer server = fx.start();
        // threshold 0: the client compresses every message it sends
        TestClient c = fx.track(TestClient.connectWith(server.port(), "/ws", deflating(0)));

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"myapp:prod\",\"other:prod\"]}");

        assertEquals(List.of("myapp:prod", "other:prod"), JSON.convertValue(c.next("subscribed").get("patterns"), List.class));
        assertEquals(2, List.of(c.next("config_snapshot"), c.next("config_snapshot")).size());
        assertTrue(only(server).deflate);
    }

    @Test
    void compressionOff_nobodyNegotiatesIt() {
        feed.commit("main", "myapp", "prod", big(50, "x"));
        VortexConfig.Ws base = WsFixture.config();
        VortexConfig.Ws off = new VortexConfig.Ws(base.bind(), base.port(), base.maxSessions(), base.ping(), base.pongTimeout(),
                base.queueMessages(), base.queueBytes(), base.maxMessage(), base.maxRate(), base.maxSubscriptions(), false);
        WsServer server = fx.start(off, TokenCheck.open(), InstantSource.system());

        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws/myapp/prod",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n", 0)) {
            assertFalse(raw.handshake().toLowerCase().contains("sec-websocket-extensions"), raw.handshake());
            RawWebSocket.Frame f = raw.next();
            assertEquals(0, rsv1(f), "plain frame");
            assertTrue(f.text().contains("config_snapshot"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rawOffers_acceptedOnlyWhenTheServerCanHonourThem() throws Exception {
        feed.commit("main", "myapp", "prod", big(50, "x"));
        WsServer server = fx.start();
        // what Chromium and Firefox offer: a client window limit without a value
        assertNegotiated(server, "permessage-deflate; client_max_window_bits", true);
        assertNegotiated(server, "permessage-deflate; client_max_window_bits=\"12\"; server_no_context_takeover", true);
        assertNegotiated(server, "permessage-deflate; server_max_window_bits=15; client_no_context_takeover", true);
        // a smaller server window cannot be had from the JDK's deflater: this offer is declined, the next taken
        assertNegotiated(server, "permessage-deflate; server_max_window_bits=10", false);
        assertNegotiated(server, "permessage-deflate; server_max_window_bits=10, permessage-deflate", true);
        assertNegotiated(server, "permessage-deflate; server_max_window_bits", false);
        assertNegotiated(server, "permessage-deflate; client_max_window_bits=16", false);
        assertNegotiated(server, "permessage-deflate; server_no_context_takeover; server_no_context_takeover", false);
        assertNegotiated(server, "permessage-deflate; unknown_parameter", false);
        assertNegotiated(server, "x-webkit-deflate-frame", false);
    }

    private static void assertNegotiated(WsServer server, String offer, boolean expected) throws Exception {
        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws/myapp/prod", "Sec-WebSocket-Extensions: " + offer + "\r\n", 0)) {
            String head = raw.handshake().toLowerCase();
            RawWebSocket.Frame f = raw.next();
            assertNotNull(f);
            if (expected) {
                assertTrue(head.contains("sec-websocket-extensions: " + PermessageDeflate.RESPONSE), offer + " -> " + head);
                assertEquals(1, rsv1(f), offer);
                assertTrue(inflate(f.payload()).contains("\"config_snapshot\""), offer);
            } else {
                assertFalse(head.contains("sec-websocket-extensions"), offer + " -> " + head);
                assertEquals(0, rsv1(f), offer);
                assertTrue(f.text().contains("\"config_snapshot\""), offer);
            }
            raw.sendClose(1000);
        }
    }

    @Test
    void fanOut_sendsTheSameCompressedBytesToEveryDeflatingSession() throws Exception {
        String c1 = feed.commit("main", "myapp", "prod", big(100, "v1"));
        WsServer server = fx.start();
        String offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
        try (RawWebSocket a = RawWebSocket.connect(server.port(), "/ws/myapp/prod", offer, 0);
             RawWebSocket b = RawWebSocket.connect(server.port(), "/ws/myapp/prod", offer, 0)) {
            assertTrue(inflate(a.next().payload()).contains("config_snapshot"));
            assertTrue(inflate(b.next().payload()).contains("config_snapshot"));
            String c2 = feed.commit("main", "myapp", "prod", big(100, "v2"));
            server.onChange(FakeFeed.REPO, "main", c1, c2);

            RawWebSocket.Frame fa = a.next();
            RawWebSocket.Frame fb = b.next();
            assertTrue(fa.rsv1() && fb.rsv1());
            assertTrue(java.util.Arrays.equals(fa.payload(), fb.payload()), "one compression, the same bytes to both");
            assertTrue(inflate(fa.payload()).contains("\"config_change\""));
        }
    }

    @Test
    void compressionBomb_closes1009_beforeInflatingItAll() throws Exception {
        feed.commit("main", "myapp", "prod", Map.of("a", 1));
        WsServer server = fx.start(); // ws.max-message 64 KiB
        byte[] huge = new byte[16 << 20]; // 16 MiB of zeros deflate to about 16 KiB
        byte[] bomb = deflate(huge);
        assertTrue(bomb.length < 64 << 10, "the compressed message itself is within ws.max-message");
        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws/myapp/prod",
                "Sec-WebSocket-Extensions: permessage-deflate\r\n", 0)) {
            raw.next();
            raw.sendRaw(withRsv1(RawWebSocket.frame(RawWebSocket.TEXT, bomb, true, true)));
            assertEquals(CloseFrame.TOOBIG, raw.awaitClose());
        }
        await().atMost(WAIT).until(() -> fx.counter("vortex_ws_closed_total", "1009") == 1);
    }

    @Test
    void compressedMessage_splitInFragments_withAPingBetween_isInflatedInOrder() throws Exception {
        feed.commit("main", "myapp", "prod", Map.of("a", 1));
        WsServer server = fx.start();
        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws", "Sec-WebSocket-Extensions: permessage-deflate\r\n", 0)) {
            byte[] packed = deflate("{\"type\":\"subscribe\",\"patterns\":[\"myapp:prod\"]}".getBytes(StandardCharsets.UTF_8));
            int half = packed.length / 2;
            raw.sendRaw(withRsv1(RawWebSocket.frame(RawWebSocket.TEXT, java.util.Arrays.copyOf(packed, half), true, false)));
            raw.send(RawWebSocket.PING, new byte[] {1}, true, true);
            raw.send(0, java.util.Arrays.copyOfRange(packed, half, packed.length), true, true);
            String subscribed = null;
            while (subscribed == null) {
                RawWebSocket.Frame f = raw.next();
                assertNotNull(f, "connection ended");
                if (f.opcode() == RawWebSocket.TEXT) {
                    subscribed = f.rsv1() ? inflate(f.payload()) : f.text();
                }
            }
            assertNotNull(subscribed);
            assertTrue(subscribed.contains("\"subscribed\""), subscribed);
        }
    }

    @Test
    void rsv1WithoutNegotiation_isAProtocolError() throws Exception {
        feed.commit("main", "myapp", "prod", Map.of("a", 1));
        WsServer server = fx.start();
        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws/myapp/prod")) {
            raw.next();
            raw.sendRaw(withRsv1(RawWebSocket.frame(RawWebSocket.TEXT, deflate("{}".getBytes(StandardCharsets.UTF_8)), true, true)));
            assertEquals(CloseFrame.PROTOCOL_ERROR, raw.awaitClose());
        }
    }

    // ---- RFC 7692 by hand ----

    private static int rsv1(RawWebSocket.Frame f) {
        return f.rsv1() ? 1 : 0;
    }

    private static byte[] withRsv1(byte[] frame) {
        frame[0] |= 0x40;
        return frame;
    }

    private static byte[] deflate(byte[] message) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0; ) {
            out.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        d.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    private static String inflate(byte[] payload) throws Exception {
        Inflater i = new Inflater(true);
        i.setInput(java.nio.ByteBuffer.wrap(concat(payload, new byte[] {0, 0, (byte) 0xff, (byte) 0xff})));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = i.inflate(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        i.end();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
