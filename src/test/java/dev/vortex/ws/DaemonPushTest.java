package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.Vortexd;
import dev.vortex.render.JsonPatch;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole daemon: a real repository, a push webhook, the REST answer and the WebSocket change. */
class DaemonPushTest {
    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> CONFIG = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private TestRepo repo;
    private Vortexd daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        repo = TestRepo.init(tmp.resolve("cfg"));
        repo.write("application.yml", "greeting: hello\nshared: x\n").write("shop.yml", "server:\n  port: 8080\nlist: [a, b]\n");
        repo.commit("initial");
        daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms", "--repo=" + repo.url()), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/ready").statusCode() == 200);
    }

    @AfterEach
    void stop() {
        daemon.shutdown();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> pushWebhook(String after) throws Exception {
        String body = JSON.writeValueAsString(Map.of("ref", "refs/heads/main", "after", after,
                "repository", Map.of("name", "cfg", "full_name", "acme/cfg", "clone_url", repo.url())));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + "/monitor"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void commitAndWebhook_reachRestAndWebSocket_asAChainedPatch() throws Exception {
        TestClient client = TestClient.connect(daemon.wsPort(), "/ws/shop/default");
        JsonNode snapshot = client.next("config_snapshot");
        assertEquals(repo.head(), snapshot.path("version").asText());
        assertEquals(8080, snapshot.path("config").path("server.port").asInt());

        repo.write("shop.yml", "server:\n  port: 9090\nlist: [a]\nfeature: true\n");
        String next = repo.commit("change shop");
        HttpResponse<String> hook = pushWebhook(next);
        assertEquals(202, hook.statusCode(), hook.body());
        assertTrue(hook.body().contains("\"cfg\""), hook.body());

        JsonNode change = client.next("config_change");
        assertEquals(snapshot.path("version").asText(), change.path("old_version").asText());
        assertEquals(next, change.path("new_version").asText());
        Map<String, Object> applied = JSON.convertValue(snapshot.path("config"), CONFIG);
        JsonPatch.apply(applied, change.path("diff"));

        TestClient fresh = TestClient.connect(daemon.wsPort(), "/ws/shop/default");
        JsonNode freshSnapshot = fresh.next("config_snapshot");
        assertEquals(next, freshSnapshot.path("version").asText());
        assertEquals(JSON.convertValue(freshSnapshot.path("config"), LinkedHashMap.class), applied);
        assertEquals(List.of(), client.violations());

        JsonNode env = JSON.readTree(get("/shop/default").body());
        assertEquals(next, env.path("version").asText());
        assertEquals(9090, env.path("propertySources").get(0).path("source").path("server.port").asInt());
        client.close();
        fresh.close();
    }

    @Test
    void unparseableCommit_keepsServingLastKnownGood_andSaysWhich() throws Exception {
        String good = repo.head();
        repo.write("shop.yml", "server:\n  port: [unclosed\n");
        String bad = repo.commit("broken yaml");
        HttpResponse<String> refresh = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + daemon.httpPort() + "/api/v1/repos/cfg/refresh?wait=20s"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, refresh.statusCode(), refresh.body());
        assertEquals(good, JSON.readTree(get("/shop/default").body()).path("version").asText());
        String status = get("/api/v1/repos/cfg").body();
        assertTrue(status.contains("shop.yml"), status);
        assertTrue(status.contains(bad.substring(0, 12)), status);
        assertTrue(get("/metrics").body().contains("vortex_render_errors_total{repo=\"cfg\"}"));
    }
}
