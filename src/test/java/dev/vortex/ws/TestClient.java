package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.render.JsonPatch;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.Protocol;

/**
 * A real Java-WebSocket client that records every message and keeps what a careful application
 * would: per (app, profile, label) the configuration obtained by applying every diff in order to
 * the last snapshot, and its version. A change to the version already held is ignored, as the
 * protocol asks; any other diff whose {@code old_version} is not the version held is recorded as a
 * chaining violation.
 */
final class TestClient extends WebSocketClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> CONFIG = new TypeReference<>() {
    };

    final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    final Map<Target, Map<String, Object>> state = new HashMap<>();
    final Map<Target, String> versions = new HashMap<>();
    final List<String> violations = new ArrayList<>();
    final AtomicInteger pings = new AtomicInteger();
    volatile int closeCode = -1;
    volatile boolean closedByServer;
    volatile boolean answerPings = true;

    private TestClient(URI uri, Draft_6455 draft) {
        super(uri, draft);
        setConnectionLostTimeout(0);
    }

    static TestClient connect(int port, String path) {
        return connect(port, path, null);
    }

    /** A new connection that continues {@code previous}'s configurations and versions (a reconnect). */
    static TestClient reconnect(int port, String path, TestClient previous) {
        TestClient c = new TestClient(URI.create("ws://127.0.0.1:" + port + path), new Draft_6455());
        synchronized (previous) {
            c.state.putAll(previous.state);
            c.versions.putAll(previous.versions);
            c.violations.addAll(previous.violations);
        }
        try {
            if (!c.connectBlocking(10, TimeUnit.SECONDS)) {
                throw new AssertionError("could not reconnect to " + path);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return c;
    }

    /** Connects without requiring the connection to stay open (for refusals). */
    static TestClient attempt(int port, String path) {
        TestClient c = new TestClient(URI.create("ws://127.0.0.1:" + port + path), new Draft_6455());
        try {
            c.connectBlocking(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return c;
    }

    /** Connects (blocking) with {@code draft} (e.g. one offering permessage-deflate). */
    static TestClient connectWith(int port, String path, Draft_6455 draft) {
        TestClient c = new TestClient(URI.create("ws://127.0.0.1:" + port + path), draft);
        try {
            if (!c.connectBlocking(10, TimeUnit.SECONDS)) {
                throw new AssertionError("could not connect to " + path);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return c;
    }

    /** Connects (blocking) to {@code ws://127.0.0.1:port + path}, optionally offering subprotocols. */
    static TestClient connect(int port, String path, List<String> protocols) {
        Draft_6455 draft = protocols == null ? new Draft_6455()
                : new Draft_6455(List.of(), protocols.stream().map(p -> (org.java_websocket.protocols.IProtocol) new Protocol(p)).toList());
        return connectWith(port, path, draft);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
    }

    @Override
    public void onMessage(String text) {
        try {
            JsonNode m = JSON.readTree(text);
            synchronized (this) {
                track(m);
            }
            inbox.add(m);
        } catch (Exception e) {
            synchronized (this) {
                violations.add("unparseable message: " + e);
            }
        }
    }

    private void track(JsonNode m) {
        String type = m.path("type").asText();
        if (!m.path("v").isInt() || m.path("v").asInt() != 1 || m.path("id").asText().isEmpty()
                || m.path("timestamp").asText().isEmpty()) {
            violations.add("envelope: " + m);
        }
        if (type.equals("config_snapshot")) {
            Target t = target(m);
            state.put(t, JSON.convertValue(m.get("config"), CONFIG));
            versions.put(t, m.get("version").asText());
        } else if (type.equals("config_change")) {
            Target t = target(m);
            String held = versions.get(t);
            if (m.get("new_version").asText().equals(held)) {
                return; // PROTOCOL.md: a change to the version already held is a no-op (resync race, reconnect)
            }
            if (!m.get("old_version").asText().equals(held)) {
                violations.add("change from " + m.get("old_version").asText() + " but held " + held + " for " + t);
            }
            Map<String, Object> cfg = state.computeIfAbsent(t, k -> new LinkedHashMap<>());
            JsonPatch.apply(cfg, m.get("diff"));
            versions.put(t, m.get("new_version").asText());
        }
    }

    static Target target(JsonNode m) {
        return new Target(m.get("app").asText(), m.get("profile").asText(), m.get("label").asText());
    }

    /** The next message, waiting up to 10 s. */
    JsonNode next() {
        try {
            JsonNode m = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message within 10 s");
            return m;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next message, which must be of {@code type}. */
    JsonNode next(String type) {
        JsonNode m = next();
        assertEquals(type, m.path("type").asText(), () -> "expected " + type + ", got " + m);
        return m;
    }

    synchronized Map<String, Object> config(Target t) {
        Map<String, Object> c = state.get(t);
        return c == null ? null : new LinkedHashMap<>(c);
    }

    synchronized String version(Target t) {
        return versions.get(t);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    void sendJson(String json) {
        send(json);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
        pings.incrementAndGet();
        if (answerPings) {
            super.onWebsocketPing(conn, f);
        }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closedByServer = remote;
        closeCode = code;
    }

    @Override
    public void onError(Exception ex) {
    }
}
