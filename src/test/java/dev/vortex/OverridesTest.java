package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overrides} as Spring Cloud Config serves {@code spring.cloud.config.server.overrides}: a
 * first property source named {@code overrides} in every Environment, its values as configured
 * (placeholders left for the client), and winning in every merged view.
 */
class OverridesTest {
    @TempDir
    Path tmp;
    private Vortexd daemon;
    private Http http;

    @BeforeEach
    void setUp() throws Exception {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\nlevel: INFO\n").write("shop.yml", "server:\n  port: 8080\n").commit("first");
        Path config = Files.writeString(tmp.resolve("vortex.yml"), """
                overrides:
                  level: WARN
                  server.port: 9999
                  shout: \\${greeting}!
                """);
        daemon = Vortexd.launch(List.of("--config=" + config, "--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms", "--repo=" + origin.url()), Map.of());
        http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
    }

    @AfterEach
    void tearDown() {
        daemon.shutdown();
    }

    @Test
    void everyEnvironment_startsWithTheOverridesSource() {
        for (String path : List.of("/shop/default", "/unknown-app/prod", "/shop/default/main")) {
            JsonNode sources = http.json(path).path("propertySources");
            assertEquals("overrides", sources.get(0).path("name").asText(), path);
            assertEquals(Http.parse("{\"level\":\"WARN\",\"server.port\":\"9999\",\"shout\":\"${greeting}!\"}"),
                    sources.get(0).path("source"), path + ": strings, placeholders left for the client");
        }
        assertTrue(http.json("/shop/default").path("propertySources").get(1).path("name").asText().endsWith("/shop.yml"));
    }

    @Test
    void mergedViews_takeTheOverriddenValues_placeholdersResolved() {
        List<String> properties = http.get("/shop-default.properties").body().lines().toList();
        assertTrue(properties.contains("level: WARN"), properties.toString());
        assertTrue(properties.contains("server.port: 9999"), properties.toString());
        assertTrue(properties.contains("shout: hello!"), properties.toString());
        JsonNode json = Http.parse(http.get("/shop-default.json").body());
        assertEquals("WARN", json.path("level").asText());
        assertEquals("hello!", json.path("shout").asText());
    }
}
