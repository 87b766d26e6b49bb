package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VortexdTest {
    @TempDir
    Path tmp;
    private Vortexd daemon;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        daemon = Vortexd.launch(List.of("--data-dir=" + tmp, "--http.port=0", "--ws.port=0", "--log.level=warn"), Map.of());
    }

    @AfterEach
    void stop() {
        daemon.shutdown();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void webSocketServerDying_stopsTheDaemonWithAFailureExitCode() {
        daemon.ws().stopped().completeExceptionally(new java.io.IOException("selector closed"));
        Vortexd.Exit exit = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), daemon::awaitExit);
        assertEquals(Vortexd.Exit.FAILURE, exit);
        assertThrows(java.io.IOException.class, () -> get("/health"), "HTTP is stopped too");
    }

    @Test
    void requestedStop_exitsZero() {
        daemon.shutdown();
        assertEquals(Vortexd.Exit.OK, daemon.awaitExit());
    }

    @Test
    void noRepoConfigured_createsAndServesDemoRepository() {
        assertTrue(daemon.config().demo());
        assertEquals("demo", daemon.config().repos().get(0).name());
        assertTrue(Files.isDirectory(tmp.resolve("demo-config/.git")));
        assertTrue(Files.exists(tmp.resolve("demo-config/demo-prod.yml")));
    }

    @Test
    void health_isUp() throws Exception {
        HttpResponse<String> r = get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("UP", new ObjectMapper().readTree(r.body()).path("status").asText());
    }

    @Test
    void metrics_arePrometheusText_withBuildInfoAndJvm() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertTrue(r.body().contains("# TYPE vortex_build_info gauge"), r.body());
        assertTrue(r.body().contains("vortex_jvm_heap_used_bytes "), r.body());
        for (String line : r.body().split("\n")) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{.*\\})? -?[0-9.eE+-]+|[a-z_]+(\\{.*\\})? \\+Inf"), line);
        }
    }

    @Test
    void unknownApiPath_isJson404() throws Exception {
        HttpResponse<String> r = get("/api/v2/nothing/here/at/all");
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertEquals(404, r.statusCode());
        assertEquals(404, body.path("status").asInt());
        assertEquals("Not Found", body.path("error").asText());
        assertTrue(body.has("message"));
        assertEquals("/api/v2/nothing/here/at/all", body.path("path").asText());
    }

    @Test
    void wrongMethod_is405WithAllow() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + "/health"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void overlongUri_is414() throws Exception {
        assertEquals(414, get("/health?x=" + "a".repeat(9000)).statusCode());
    }

    @Test
    void sighup_countsRefreshRequest() throws Exception {
        daemon.reload();
        assertTrue(get("/metrics").body().contains("vortex_refresh_requests_total{source=\"sighup\"} 1"));
    }

    @Test
    void invalidConfiguration_exits78_listingEveryProblem() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(78, Vortexd.start(new String[] {"--http.port=notaport", "--ws.ping=3"}));
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("invalid configuration (2 problems)"), text);
        assertTrue(text.contains("http.port: \"notaport\" is not a port"), text);
        assertTrue(text.contains("ws.ping: \"3\" is not a duration"), text);
    }
}
