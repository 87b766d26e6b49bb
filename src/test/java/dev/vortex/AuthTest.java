package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.ops.Logging;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.RawHttp;
import dev.vortex.testing.RawHttp.Response;
import dev.vortex.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Authentication of the whole daemon: bearer tokens from {@code auth.tokens-file} guard
 * {@code /api/v1/*} and WebSocket handshakes (re-read on SIGHUP, for both), the operational and
 * configuration paths stay open, push webhooks must be signed, and a daemon reachable beyond
 * loopback without tokens says so when it starts.
 */
class AuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "hook-s3cret";

    @TempDir
    static Path tmp;
    private static Path tokens;
    private static LiveDaemon live;

    @BeforeAll
    static void start() throws IOException {
        tokens = tmp.resolve("tokens");
        Files.writeString(tokens, "# operators\ntok-one\n\n   # tok-commented\ntok-ci   \n");
        // many wrong tokens on purpose: the failed-attempt limit (ScopedAccessTest) is raised out of the way
        live = LiveDaemon.springDemo(tmp, "--auth.tokens-file=" + tokens, "--auth.max-failures=100000");
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    private static HttpResponse<String> api(String method, String path, String... headers) {
        return api(live, method, path, headers);
    }

    private static HttpResponse<String> api(LiveDaemon live, String method, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(live.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return live.send(b.build());
    }

    @Test
    void adminApiWithoutOrWithWrongToken_is401JsonWithChallenge_aListedTokenPasses() throws Exception {
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                new String[] {"Authorization", "Bearer tok-on"}, new String[] {"Authorization", "Bearer tok-one-and-more"},
                new String[] {"Authorization", "Bearer # tok-commented"}, new String[] {"Authorization", "Bearer"},
                new String[] {"Authorization", "Basic dG9rLW9uZTo="}, new String[] {"X-Token", "tok-one"})) {
            for (String[] call : List.of(new String[] {"GET", "/api/v1/repos"}, new String[] {"GET", "/api/v1/repos/repo"},
                    new String[] {"POST", "/api/v1/refresh"}, new String[] {"POST", "/api/v1/repos/repo/refresh"},
                    new String[] {"GET", "/api/v1/repos/repo/diff?from=v1&to=main"}, new String[] {"GET", "/api/v1/nosuch"})) {
                HttpResponse<String> r = api(call[0], call[1], headers);
                String what = call[0] + " " + call[1] + " " + List.of(headers);
                assertEquals(401, r.statusCode(), what);
                assertEquals("Bearer realm=\"vortex\"", r.headers().firstValue("WWW-Authenticate").orElse(""), what);
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
                JsonNode body = JSON.readTree(r.body());
                assertEquals(401, body.path("status").asInt(), what);
                assertEquals("Unauthorized", body.path("error").asText(), what);
                assertFalse(r.body().contains("tok-"), "a 401 never echoes a token: " + r.body());
            }
        }
        assertEquals(200, api("GET", "/api/v1/repos", "Authorization", "Bearer tok-one").statusCode());
        assertEquals(200, api("GET", "/api/v1/repos/repo", "Authorization", "bearer tok-ci").statusCode(), "scheme is case-insensitive");
        assertEquals(200, api("GET", "/api/v1/repos", "Authorization", "Bearer  tok-ci ").statusCode(), "spaces around the token");
    }

    @Test
    void operationalAndConfigurationPaths_needNoToken() {
        for (String path : List.of("/health", "/ready", "/metrics", "/demo/prod", "/demo/prod/v1", "/demo-prod.yml",
                "/main/demo-prod.properties", "/demo/prod/main/docs/notice.txt", "/", "/static/app.js", "/api/v1/info")) {
            assertEquals(200, live.get(path).statusCode(), path);
        }
        assertTrue(live.get("/api/v1/info").body().contains("\"auth_required\":true"));
    }

    /** Spellings of an admin path that the filter and the router might read differently: none reaches the admin API. */
    @ParameterizedTest
    @ValueSource(strings = {"//api/v1/repos", "/api//v1/repos", "/%61pi/v1/repos", "/API/v1/repos", "/./api/v1/repos",
            "/api/v1/../v1/repos", "/api/v1/info/../repos", "/api%2Fv1%2Frepos", "/api/v1/repos;x", "/api/v1/repos/",
            "/api/v1/repos%00", "/api/v1/repos?token=tok-one", "http://127.0.0.1/api/v1/repos", "/api/v1/%72epos", "/api/v1/info/", "/api/v1/info%2F..%2Frepos",
            "/api/v1/info/../repos?x", "/static/..%2F..%2Fapi%2Fv1%2Frepos"})
    void adminPathSpelledOddly_neverServedWithoutToken(String target) throws IOException {
        try (RawHttp c = RawHttp.open(live.httpPort())) {
            Response r = c.get(target);
            assertFalse(r.status() == 200 && (r.text().contains("full_reload") || r.text().contains("last_refresh")),
                    () -> target + " → " + r);
            assertTrue(r.status() != 500, () -> target + " → " + r);
        }
    }

    @Test
    void webSocketWithoutOrWithWrongToken_refused4401_listedTokenByQueryOrSubprotocolAccepted() throws IOException {
        refused("/ws/demo/prod", "");
        refused("/ws/demo/prod?token=", "");
        refused("/ws/demo/prod?token=wrong", "");
        refused("/ws/demo/prod?token=%23%20tok-commented", "");
        refused("/ws/demo/prod", "Sec-WebSocket-Protocol: vortex.v1, token.wrong\r\n");
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod?token=tok-one")) {
            assertTrue(c.nextText().contains("config_snapshot"));
        }
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod", "Sec-WebSocket-Protocol: vortex.v1, token.tok-ci\r\n", 0)) {
            assertTrue(c.handshake().contains("Sec-WebSocket-Protocol: vortex.v1"), c.handshake());
            assertTrue(c.nextText().contains("config_snapshot"));
        }
    }

    private static void refused(String path, String headers) throws IOException {
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), path, headers, 0)) {
            JsonNode error = JSON.readTree(c.nextText());
            assertEquals("UNAUTHORIZED", error.path("code").asText(), path);
            assertEquals(4401, c.awaitClose(), path);
        }
    }

    @Test
    void tokensFile_rereadOnSighup_forTheApiAndWebSockets_keptWhenUnreadable() throws Exception {
        String original = Files.readString(tokens);
        try {
            Files.writeString(tokens, "# rotated\ntok-two\n");
            assertEquals(200, api("GET", "/api/v1/repos", "Authorization", "Bearer tok-one").statusCode(), "read only on SIGHUP");

            live.daemon().reload();
            assertEquals(401, api("GET", "/api/v1/repos", "Authorization", "Bearer tok-one").statusCode());
            assertEquals(200, api("GET", "/api/v1/repos", "Authorization", "Bearer tok-two").statusCode());
            refused("/ws/demo/prod?token=tok-one", "");
            try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/demo/prod?token=tok-two")) {
                assertTrue(c.nextText().contains("config_snapshot"));
            }

            Files.delete(tokens);
            live.daemon().reload();
            assertEquals(200, api("GET", "/api/v1/repos", "Authorization", "Bearer tok-two").statusCode(), "an unreadable file changes nothing");
        } finally {
            Files.writeString(tokens, original);
            live.daemon().reload();
        }
        assertEquals(200, api("GET", "/api/v1/repos", "Authorization", "Bearer tok-one").statusCode());
    }

    /** A daemon of its own: no other test's refresh can move the status this one compares. */
    @Test
    void webhookWithMissingOrWrongSignature_is401_andTriggersNoSync() throws Exception {
        Path secret = Files.writeString(tmp.resolve("webhook-secret"), SECRET + "\n");
        try (LiveDaemon d = LiveDaemon.springDemo(tmp.resolve("hooked"), "--auth.tokens-file=" + tokens,
                "--auth.webhook-secret-file=" + secret, "--sync.interval=1h")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !status(d).path("in_progress").asBoolean());
            JsonNode before = status(d);
            byte[] body = JSON.writeValueAsBytes(Map.of("ref", "refs/heads/main", "after", d.repo().head(),
                    "repository", Map.of("name", "repo", "full_name", "acme/repo", "clone_url", d.repo().url())));
            String wrongKey = "sha256=" + hmac("not-the-secret", body);
            for (String[] headers : List.of(new String[] {"X-GitHub-Event", "push"},
                    new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + "0".repeat(64)},
                    new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", wrongKey},
                    new String[] {"X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256="},
                    new String[] {"X-GitHub-Event", "push", "X-Hub-Signature", "sha1=" + "0".repeat(40)},
                    new String[] {"X-Gitea-Event", "push", "X-Gitea-Signature", wrongKey.substring(7)},
                    new String[] {"X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "hook-s3cre"},
                    new String[] {"X-Gitee-Event", "Push Hook", "X-Gitee-Token", SECRET + "x"})) {
                HttpResponse<String> r = hook(d, body, headers);
                assertEquals(401, r.statusCode(), List.of(headers) + " " + r.body());
                assertEquals(401, JSON.readTree(r.body()).path("status").asInt());
            }
            assertEquals(8, d.metric("vortex_webhook_requests_total{result=\"unauthorized\"}"));
            assertEquals(0, d.metric("vortex_refresh_requests_total{source=\"webhook\"}"));
            JsonNode after = status(d);
            for (String field : List.of("last_refresh", "runs", "attempts", "want_commits", "in_progress")) {
                assertEquals(before.path(field), after.path(field), field + " moved: a refused webhook triggered a sync");
            }

            HttpResponse<String> signed = hook(d, body, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(SECRET, body));
            assertEquals(202, signed.statusCode(), signed.body());
            assertEquals("[\"repo\"]", JSON.readTree(signed.body()).path("matched").toString());
            await().atMost(Duration.ofSeconds(20)).until(() -> "webhook".equals(status(d).path("last_refresh").path("trigger").asText()));
        }
    }

    private static JsonNode status(LiveDaemon d) throws IOException {
        return JSON.readTree(api(d, "GET", "/api/v1/repos/repo", "Authorization", "Bearer tok-one").body());
    }

    private static HttpResponse<String> hook(LiveDaemon d, byte[] body, String... headers) {
        return d.send(HttpRequest.newBuilder(d.uri("/monitor")).header("Content-Type", "application/json")
                .headers(headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static String hmac(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void boundBeyondLoopbackWithoutTokens_warnsAtStart_notWithTokens() throws Exception {
        String warning = "listening beyond loopback without auth.principals-file or auth.tokens-file";
        String open = startupLog(tmp.resolve("open"), "--http.bind=0.0.0.0");
        assertTrue(open.lines().anyMatch(l -> l.contains("level=warn") && l.contains(warning) && l.contains("bind=0.0.0.0")), open);
        String wsOnly = startupLog(tmp.resolve("ws-only"), "--ws.bind=0.0.0.0");
        assertTrue(wsOnly.contains(warning), wsOnly);
        String guarded = startupLog(tmp.resolve("guarded"), "--http.bind=0.0.0.0", "--ws.bind=0.0.0.0", "--auth.tokens-file=" + tokens);
        assertFalse(guarded.contains(warning), guarded);
        String loopback = startupLog(tmp.resolve("loopback"));
        assertFalse(loopback.contains(warning), loopback);
    }

    /** What a daemon serving the demo repository logs (logfmt on stdout) while it starts with {@code args}. */
    private static String startupLog(Path dataDir, String... args) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        Vortexd d;
        // the daemon's log handler writes to whatever System.out is when it starts
        System.setOut(new PrintStream(new Tee(stdout, captured), true, StandardCharsets.UTF_8));
        try {
            List<String> all = new java.util.ArrayList<>(List.of("--data-dir=" + dataDir, "--http.port=0", "--ws.port=0", "--log.level=warn"));
            all.addAll(List.of(args));
            d = Vortexd.launch(all, Map.of());
        } finally {
            System.setOut(stdout);
        }
        Logging.install("warn"); // the daemon's log back on the real stdout
        d.shutdown();
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            a.flush();
        }
    }
}
