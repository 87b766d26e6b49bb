package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.render.JsonPatch;
import com.sun.net.httpserver.HttpServer;
import dev.vortex.testing.Browser;
import dev.vortex.testing.SharedBrowser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Chromium negotiates permessage-deflate with the server and reads its compressed messages (and sends its own compressed). */
class DeflateBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final SharedBrowser SHARED = new SharedBrowser();
    private Browser browser;

    private final WsFixture fx = new WsFixture();
    private HttpServer page;

    /** An empty page on loopback: Chromium lets only a local page open a socket to a local address. */
    @BeforeEach
    void servePage() throws IOException {
        browser = SHARED.get();
        page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", x -> {
            byte[] body = "<!doctype html><title>deflate</title>".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        page.start();
        browser.navigate("http://127.0.0.1:" + page.getAddress().getPort() + "/");
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.navigate("about:blank"); // closes the page's socket
        }
        fx.close();
        if (page != null) {
            page.stop(0);
        }
    }

    private static Map<String, Object> config(String tag) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) {
            m.put("service.endpoints[" + i + "].url", "https://svc-" + i + ".internal.example.com:8443/api/" + tag);
        }
        return m;
    }

    @Test
    void chromium_negotiatesDeflate_andGetsTheSnapshotAndTheChange() throws Exception {
        String c1 = fx.feed.commit("main", "myapp", "prod", config("v1"));
        fx.feed.commit("main", "other", "prod", Map.of("k", "v"));
        WsServer server = fx.start();

        JsonNode opened = browser.eval("window.got = []; window.ws = new WebSocket('ws://127.0.0.1:" + server.port() + "/ws/myapp/prod');"
                + "ws.onmessage = e => got.push(e.data);"
                + "new Promise(r => { ws.onopen = () => r('open'); ws.onclose = e => r('closed ' + e.code); })");
        assertEquals("open", opened.asText(), () -> String.join("\n", browser.errors()));
        assertEquals(PermessageDeflate.RESPONSE, browser.eval("ws.extensions").asText());
        await().atMost(WAIT).until(() -> server.sessions().size() == 1 && server.sessions().getFirst().deflate);

        JsonNode snapshot = message(0);
        assertEquals("config_snapshot", snapshot.get("type").asText());
        @SuppressWarnings("unchecked")
        Map<String, Object> held = JSON.convertValue(snapshot.get("config"), LinkedHashMap.class);
        assertEquals(config("v1"), held);

        String c2 = fx.feed.commit("main", "myapp", "prod", config("v2"));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        JsonNode change = message(1);
        assertEquals("config_change", change.get("type").asText());
        JsonPatch.apply(held, change.get("diff"));
        assertEquals(config("v2"), held);

        // and the server reads what Chromium sends on the deflate connection
        browser.eval("ws.send(JSON.stringify({type: 'subscribe', patterns: ['other:prod']}))");
        assertEquals("subscribed", message(2).get("type").asText());
        assertEquals("config_snapshot", message(3).get("type").asText());
        assertTrue(fx.counter("vortex_ws_bytes_sent_total") * 5 < JSON.writeValueAsBytes(config("v1")).length * 2,
                "compressed on the wire: " + fx.counter("vortex_ws_bytes_sent_total") + " bytes");
    }

    private JsonNode message(int i) throws Exception {
        await().atMost(WAIT).until(() -> browser.eval("got.length").asInt() > i);
        return JSON.readTree(browser.eval("got[" + i + "]").asText());
    }
}
