package dev.vortex.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.render.CipherFailure;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.RepoStatus;
import dev.vortex.sync.FullReloadStats;
import dev.vortex.sync.RepoReport;
import dev.vortex.testing.Browser;
import dev.vortex.testing.SharedBrowser;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The page's script in a real browser against a scripted backend: the cases a live daemon cannot
 * produce on demand (a dropped WebSocket, a 401, hostile text, a narrow screen).
 */
class StatusPageScriptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String HOSTILE = "<img src=x id=pwned> & \"quotes\"";

    @RegisterExtension
    static final SharedBrowser SHARED = new SharedBrowser();
    private Browser browser;
    private HttpServer http;
    private FakeWs ws;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> diffQuery = new AtomicReference<>();
    private volatile boolean authRequired;

    private final java.util.concurrent.atomic.AtomicReference<Map<String, Object>> reload =
            new java.util.concurrent.atomic.AtomicReference<>(Map.of());

    @BeforeEach
    void start() throws Exception {
        browser = SHARED.get();
        ws = new FakeWs();
        ws.start();
        assertTrue(ws.started.await(10, TimeUnit.SECONDS), "fake WebSocket server did not start");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Router router = new Router(new Metrics());
        new StatusPage("9.9.9-test", () -> http.getAddress().getPort(), ws::getPort, () -> authRequired, reload::get).register(router);
        router.get("/api/v1/repos", r -> {
            if (authRequired && !r.header("Authorization").orElse("").equals("Bearer s3cret")) {
                throw new ApiException(401, "a bearer token is required");
            }
            r.json(200, reposJson());
        });
        router.post("/api/v1/repos/{name}/refresh", r -> {
            String auth = r.header("Authorization").orElse("");
            authorizations.add(auth);
            if (!auth.equals("Bearer s3cret")) {
                throw new ApiException(401, "a bearer token is required");
            }
            r.json(200, Map.of("changed", false, "commits", Map.of("main", A), "duration_ms", 42));
        });
        router.get("/api/v1/repos/{name}/diff", r -> {
            diffQuery.set(r.exchange().getRequestURI().getRawQuery());
            r.json(200, List.of(Map.of("op", "replace", "path", "/server.port", "value", 9090),
                    Map.of("op", "add", "path", "/a~1b", "value", HOSTILE)));
        });
        router.get("/metrics", r -> r.bytes(200, Metrics.CONTENT_TYPE,
                "# TYPE vortex_ws_sessions gauge\nvortex_ws_sessions 7\n".getBytes(StandardCharsets.UTF_8), Map.of()));
        http.createContext("/", router);
        http.start();
        browser.navigate("about:blank");
        browser.viewport(1280, 900, false);
        browser.clearErrors();
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.navigate("about:blank"); // closes the page's WebSocket before its server goes
        }
        if (http != null) {
            http.stop(0);
        }
        if (ws != null) {
            ws.stop(1000);
        }
    }

    // What GET /api/v1/repos answers, rendered by the real AdminHandlers code from reports a live daemon cannot produce on demand.
    private static Map<String, Object> reposJson() {
        Instant now = Instant.now();
        String shopUrl = "https://git.example.com/shop.git";
        String mirrorUrl = "https://mirror.example.org/shop.git";
        RepoConfig shopConfig = new RepoConfig("shop", List.of(shopUrl, mirrorUrl), List.of("*"), "main", List.of(), List.of(),
                Optional.empty());
        RepoStatus shopStatus = new RepoStatus(Optional.of(new RepoStatus.Refresh(now.minusSeconds(12), 120, "ok", true, "webhook")),
                Optional.of(now.minusSeconds(12)), Optional.of(new RepoStatus.RepoError(now.minusSeconds(3600), HOSTILE, Optional.of(mirrorUrl))),
                5, 1, List.of(new RepoStatus.MirrorStatus(shopUrl, "ok", Optional.of(now.minusSeconds(12)), Optional.empty(), 1),
                        new RepoStatus.MirrorStatus(mirrorUrl, "failed", Optional.of(now.minusSeconds(12)), Optional.of("connection refused"), 0)),
                List.of());
        RepoReport shop = new RepoReport("shop", "main", Map.of("main", A, "v1", B), shopStatus, 0, Optional.of(now.plusSeconds(25)),
                false, Set.of());

        String billingUrl = "https://git.example.com/billing.git";
        RepoConfig billingConfig = new RepoConfig("billing", List.of(billingUrl), List.of("billing"), "main", List.of(), List.of(),
                Optional.empty());
        RepoStatus billingStatus = new RepoStatus(Optional.of(new RepoStatus.Refresh(now.minusSeconds(5), 3000, "failed", false, "timer")),
                Optional.empty(), Optional.of(new RepoStatus.RepoError(now.minusSeconds(5), "fetch " + billingUrl + ": timeout", Optional.of(billingUrl))),
                0, 3, List.of(new RepoStatus.MirrorStatus(billingUrl, "failed", Optional.of(now.minusSeconds(5)), Optional.of("timeout"), 0)),
                List.of(new RepoStatus.Problem("main", A, "application.yml: line 3: mapping values are not allowed", now),
                        new RepoStatus.Problem("main", A, "billing.yml:2: bad (held back: billing)", now,
                                Optional.of(new BrokenFile("billing.yml", 2, "bad", List.of("billing"))), Optional.of(B))));
        RepoReport billing = new RepoReport("billing", "main", Map.of(), billingStatus, 3, Optional.of(now.plusSeconds(40)), false, Set.of(B));

        FullReloadStats fullReload = new FullReloadStats(1, Optional.of(now.minusSeconds(600)), 35, 2, 0, 0, 0,
                Optional.of(now.plusSeconds(6 * 3600 - 600)));
        List<CipherFailure> shopCipherFailures = List.of(new CipherFailure("shop.yml", "db.<b>password</b>", A, "no key with alias \"old\""));
        return Map.of("repos", List.of(AdminHandlers.entry(shopConfig, shop, shopCipherFailures, Map.of()),
                        AdminHandlers.entry(billingConfig, billing, List.of(), Map.of())),
                "full_reload", AdminHandlers.fullReloadJson(fullReload));
    }

    private String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    private String text(String selector) {
        return browser.text(selector).orElse("");
    }

    private void awaitText(String selector, String expected) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> text(selector).contains(expected));
    }

    @Test
    void refusedConfigurationReload_isShown_withTheSettingsThatNeedARestart() throws Exception {
        reload.set(Map.of("at", "2026-12-02T10:00:00Z", "result", "invalid", "problems", 3, "changed", 0,
                "need_restart", List.of()));
        browser.navigate(url());
        awaitText("#config-reload-state", "invalid at 2026-12-02T10:00:00Z (3 problems, running configuration kept; see the log)");
        assertTrue(browser.eval("document.querySelector('#config-reload-state').className").asText().contains("state-failing"));
        reload.set(Map.of("at", "2026-12-02T10:05:00Z", "result", "ok", "problems", 0, "changed", 2,
                "need_restart", List.of("http.port")));
        browser.navigate(url());
        awaitText("#config-reload-state", "ok at 2026-12-02T10:05:00Z; needs a restart: http.port");
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void repositories_showCommitsStatusErrorsAndMirrorsInWords() throws Exception {
        browser.navigate(url());
        awaitText("[data-repo=shop] .badge", "OK");
        assertEquals("aaaaaaaa", text("[data-repo=shop] tr[data-label=main] code"));
        assertEquals(A, browser.eval("document.querySelector('[data-repo=shop] tr[data-label=main] code').title").asText());
        String shop = text("[data-repo=shop]");
        // relative times count from the fixture's request: a slow browser renders them a few seconds later
        assertTrue(Pattern.compile("(1[2-9]|[2-5][0-9]) s ago — OK, 120 ms, changed, by webhook").matcher(shop).find(), shop);
        assertTrue(shop.contains("(mirror https://mirror.example.org/shop.git)"), shop);
        assertTrue(shop.contains("OKhttps://git.example.com/shop.git"), shop);
        assertTrue(shop.contains("Cannot decryptshop.yml key db.<b>password</b> — served as invalid.db.<b>password</b>: <n/a> on main "
                + "(aaaaaaaa) — no key with alias \"old\""), shop);
        assertTrue(Pattern.compile("FAILEDhttps://mirror\\.example\\.org/shop\\.git — (1[2-9]|[2-5][0-9]) s ago — connection refused")
                .matcher(shop).find(), shop);
        assertTrue(text("[data-repo=billing] .badge").matches("FAILING — retry in ([1-3][0-9]|40) s"), text("[data-repo=billing] .badge"));
        String billing = text("[data-repo=billing]");
        assertTrue(billing.contains("Failed attempts in a row3"), billing);
        assertEquals("main (default)not served — see Last error", text("[data-repo=billing] tr[data-label=main]"));
        assertTrue(billing.contains("Waiting for pushed commitsbbbbbbbb"), billing);
        assertTrue(billing.contains("Refused commitapplication.yml: line 3: mapping values are not allowed — aaaaaaaa on main"), billing);
        assertTrue(billing.contains("Does not parsebilling.yml:2: bad (held back: billing) — aaaaaaaa on main; they stay on bbbbbbbb"),
                billing);
        assertTrue(text("#full-reload").startsWith("Full reload: last 10 min ago (35 ms, 2 repositories"), text("#full-reload"));
        assertTrue(text("#version").contains("9.9.9-test"));
        assertTrue((Boolean) browser.eval("document.querySelector('#config-reload').hidden").asBoolean(), "no reload yet: nothing shown");
        awaitText("#sessions", "7");
        awaitText("#ws-state", "live");
        // what came from the server is text, never markup
        assertTrue(shop.contains(HOSTILE), shop);
        assertEquals(0, browser.eval("document.querySelectorAll('#pwned').length").asInt());
        browser.screenshot(Path.of("target/status-page-scripted.png"));
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void droppedWebSocket_showsReconnecting_thenResubscribesAndResyncs() throws Exception {
        browser.navigate(url());
        await().atMost(Duration.ofSeconds(10)).until(() -> ws.received.contains("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"],\"snapshots\":false}"));
        awaitText("#feed-state", "watching 1 configuration");

        ws.dropAll();
        awaitText("#ws-state", "reconnecting…");
        // jitter: between 0.5 and 5 s
        await().atMost(Duration.ofSeconds(8)).until(() -> ws.received.stream().anyMatch(m -> m.contains("\"resync\"")));
        JsonNode resync = JSON.readTree(ws.received.stream().filter(m -> m.contains("\"resync\"")).findFirst().orElseThrow());
        assertEquals(A, resync.path("last_version").asText());
        assertEquals("shop", resync.path("app").asText());
        assertEquals("prod", resync.path("profile").asText());
        assertEquals("main", resync.path("label").asText());
        assertEquals(2, ws.received.stream().filter(m -> m.contains("\"subscribe\"")).count());
        awaitText("#ws-state", "live");

        // the resync answer is shown once, with the old value from the snapshot kept before the drop
        awaitText("#feed li.change", "shop:prod:main");
        String change = text("#feed li.change");
        assertTrue(change.contains("changedserver.port: 8080 → 9090"), change);
        assertTrue(change.contains("addedfeature.new: true"), change);
        assertTrue(change.contains("removedlegacy (was old)"), change);
        ws.broadcast(changeMessage());  // delivered twice: shown once
        ws.broadcast(changeMessage("billing")); // the page handles messages in order: once this shows, the duplicate was handled
        awaitText("#feed", "billing:prod:main");
        assertEquals("billing:prod:main | shop:prod:main", feedKeys());
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void refreshAnswering401_asksForToken_thenRetriesWithBearer() throws Exception {
        browser.navigate(url());
        awaitText("[data-repo=shop] .badge", "OK");
        browser.click("[data-repo=shop] .refresh");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval("!document.getElementById('token-panel').hidden").asBoolean());
        assertTrue(text("#token-reason").contains("Refreshing \"shop\" needs a bearer token."));

        browser.type("#token-input", "s3cret");
        browser.click("#token-form button[type=submit]");
        awaitText("[data-repo=shop] .refresh-result", "Refreshed in 42 ms — no change.");
        assertEquals(List.of("", "Bearer s3cret"), authorizations);
        assertEquals("s3cret", browser.eval("sessionStorage.getItem('vortex.token')").asText());
        assertTrue(browser.eval("document.getElementById('token-panel').hidden").asBoolean());
        assertEquals(List.of(), browser.errors().stream().filter(e -> !e.contains("status of 401")).toList());
    }

    @Test
    void authRequired_asksForTokenBeforeAnyCall_thenUsesItForApiAndWebSocket() throws Exception {
        authRequired = true;
        ws.token = "s3cret";
        browser.navigate(url());
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.eval("!document.getElementById('token-panel').hidden").asBoolean());
        assertEquals("waiting for a token", text("#ws-state"));
        assertEquals(List.of(), ws.paths);
        browser.type("#token-input", "s3cret");
        browser.click("#token-form button[type=submit]");
        awaitText("[data-repo=shop] .badge", "OK");
        awaitText("#ws-state", "live");
        assertEquals(List.of("/ws?token=s3cret"), ws.paths);
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void webSocketRefusing4401_asksForToken_thenReconnectsWithIt() throws Exception {
        ws.token = "s3cret";
        browser.navigate(url());
        awaitText("#ws-state", "needs a token");
        assertTrue(text("#token-reason").contains("The live feed needs a bearer token."));
        browser.type("#token-input", "s3cret");
        browser.click("#token-form button[type=submit]");
        awaitText("#ws-state", "live");
        assertEquals(List.of("/ws", "/ws?token=s3cret"), ws.paths);
        awaitText("#feed-state", "watching 1 configuration");
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void diffForm_sendsServedCommitAsTo_andRendersThePatchAsText() throws Exception {
        browser.navigate(url());
        awaitText("[data-repo=shop] .badge", "OK");
        browser.click("[data-repo=shop] details.diff summary");
        browser.type("[data-repo=shop] .diff-from", "v0");
        browser.type("[data-repo=shop] .diff-app", "shop");
        browser.type("[data-repo=shop] .diff-profile", "prod");
        browser.click("[data-repo=shop] .diff-form button[type=submit]");
        awaitText("[data-repo=shop] .diff-result", "2 changes");
        assertEquals("from=v0&to=" + A + "&app=shop&profile=prod", diffQuery.get());
        String out = text("[data-repo=shop] .diff-result");
        assertTrue(out.contains("changedserver.port: 9090"), out);
        assertTrue(out.contains("addeda/b: " + HOSTILE), out);
        assertEquals(0, browser.eval("document.querySelectorAll('#pwned').length").asInt());
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void phoneWidth_hasNoHorizontalScroll() throws Exception {
        browser.viewport(390, 844, true);
        browser.navigate(url());
        awaitText("[data-repo=billing] .badge", "FAILING");
        awaitText("#feed-state", "watching");
        ws.broadcast(changeMessage());
        awaitText("#feed li.change", "shop:prod:main");
        assertTrue(browser.eval("document.documentElement.scrollWidth <= 390").asBoolean(),
                "page is " + browser.eval("document.documentElement.scrollWidth").asInt() + " px wide at 390");
        browser.screenshot(Path.of("target/status-page-phone.png"));
        assertEquals(List.of(), browser.errors());
    }

    /** The keys of the feed's change entries, newest first. */
    private String feedKeys() {
        return browser.eval("[...document.querySelectorAll('#feed li.change')].map(li => li.dataset.key).join(' | ')").asText();
    }

    private static String changeMessage() {
        return changeMessage("shop");
    }

    private static String changeMessage(String app) {
        return "{\"v\":1,\"type\":\"config_change\",\"id\":\"c1\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"app\":\"" + app + "\","
                + "\"profile\":\"prod\",\"label\":\"main\",\"old_version\":\"" + A + "\",\"new_version\":\"" + B + "\",\"diff\":["
                + "{\"op\":\"replace\",\"path\":\"/server.port\",\"value\":9090},{\"op\":\"add\",\"path\":\"/feature.new\",\"value\":true},"
                + "{\"op\":\"remove\",\"path\":\"/legacy\"}]}";
    }

    /** A WebSocket server that speaks just enough of PROTOCOL.md: a snapshot per subscribe, a change per resync. */
    private static final class FakeWs extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> paths = new CopyOnWriteArrayList<>();
        volatile String token;

        FakeWs() {
            super(new InetSocketAddress("127.0.0.1", 0));
            setReuseAddr(true);
        }

        void dropAll() {
            getConnections().forEach(c -> c.close(1001, "going away"));
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            paths.add(handshake.getResourceDescriptor());
            if (token != null && !handshake.getResourceDescriptor().endsWith("?token=" + token)) {
                conn.send("{\"v\":1,\"type\":\"error\",\"id\":\"e\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"code\":\"UNAUTHORIZED\",\"message\":\"token missing or wrong\"}");
                conn.close(4401, "unauthorized");
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            received.add(message);
            if (message.contains("\"subscribe\"")) {
                conn.send("{\"v\":1,\"type\":\"subscribed\",\"id\":\"s\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"patterns\":[\"*:*\"]}");
                conn.send("{\"v\":1,\"type\":\"config_snapshot\",\"id\":\"1\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"app\":\"shop\","
                        + "\"profile\":\"prod\",\"label\":\"main\",\"version\":\"" + (received.size() > 1 ? B : A) + "\","
                        + "\"config\":{\"server.port\":" + (received.size() > 1 ? "9090" : "8080") + ",\"legacy\":\"old\"}}");
            } else if (message.contains("\"resync\"")) {
                conn.send(changeMessage());
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }
    }
}
