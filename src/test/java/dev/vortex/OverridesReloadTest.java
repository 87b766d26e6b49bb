package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.Http;
import dev.vortex.testing.RawWebSocket;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP with changed {@code overrides}: the same commit now answers other values, so the HTTP
 * answers (and their ETags) change at once and every WebSocket subscriber gets the whole
 * configuration again (a diff would need a new version to chain from).
 */
class OverridesReloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Vortexd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private Path config(TestRepo repo, String overrides) throws Exception {
        return Files.writeString(tmp.resolve("vortex.yml"), """
                http: {port: 0}
                ws: {port: 0}
                data-dir: %s
                log: {level: warn}
                overrides:
                %s
                repos:
                  - name: cfg
                    urls: ["%s"]
                """.formatted(tmp.resolve("data"), overrides, repo.url()));
    }

    @Test
    void changedOverrides_reachHttpWithANewEtag_andSubscribersAsASnapshot() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("shop.yml", "colour: red\nsize: 1\n");
        String commit = repo.commit("first");
        Path file = config(repo, "  colour: blue");
        daemon = Vortexd.launch(List.of("--config=" + file), Map.of());
        Http http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/ready").statusCode() == 200);
        HttpResponse<String> before = http.get("/shop-default.json");
        assertEquals("blue", JSON.readTree(before.body()).path("colour").asText());
        String etag = before.headers().firstValue("ETag").orElseThrow();

        try (RawWebSocket ws = RawWebSocket.connect(daemon.wsPort(), "/ws/shop/default")) {
            JsonNode snapshot = JSON.readTree(ws.nextText());
            assertEquals("config_snapshot", snapshot.path("type").asText());
            assertEquals("blue", snapshot.path("config").path("colour").asText());

            config(repo, "  colour: green");
            assertEquals(List.of(), daemon.reload().needRestart(), "overrides apply without a restart");

            JsonNode again = JSON.readTree(ws.nextText());
            assertEquals("config_snapshot", again.path("type").asText(), again.toString());
            assertEquals(commit, again.path("version").asText(), "the commit did not move");
            assertEquals("green", again.path("config").path("colour").asText());
            assertEquals(1, again.path("config").path("size").asInt());
        }
        HttpResponse<String> after = http.get("/shop-default.json");
        assertEquals("green", JSON.readTree(after.body()).path("colour").asText());
        String newEtag = after.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(etag, newEtag, "a cached answer with the old overrides must not be confirmed by 304");
        HttpResponse<String> conditional = http.send(HttpRequest.newBuilder(http.uri("/shop-default.json"))
                .header("If-None-Match", etag).build());
        assertEquals(200, conditional.statusCode());
        assertTrue(conditional.body().contains("green"));
    }
}
