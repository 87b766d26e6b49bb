package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a git host answers for a per-application repository that does not exist, against a real
 * smart-HTTP server: 404, and 401 when vortexd holds no credentials (GitHub's and GitLab's answer
 * without credentials), are "no repository" (404, remembered); a 401 to the credentials sent and a
 * 403 are authentication failures (503 naming them), never remembered as missing.
 */
class TemplateHostAnswersTest {
    @TempDir
    Path tmp;
    private GitHttpServer server;
    private Vortexd daemon;
    private Http http;

    @BeforeEach
    void setUp() throws Exception {
        server = GitHttpServer.start(tmp.resolve("served"));
        TestRepo shop = TestRepo.init(tmp.resolve("shop"));
        shop.write("shop.yml", "greeting: hello shop\n").commit("first");
        server.serve(shop, "shop-config.git");
    }

    @AfterEach
    void tearDown() {
        server.close();
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private void launch(String... repoKeys) throws Exception {
        StringBuilder yaml = new StringBuilder("repos:\n  - name: cfg\n    urls: [\"" + server.url("{application}-config.git")
                + "\"]\n    default-label: main\n    first-sync-wait: 60s\n    negative-cache: 1h\n");
        for (String k : repoKeys) {
            yaml.append("    ").append(k).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("vortex.yml"), yaml.toString());
        List<String> args = new ArrayList<>(List.of("--config=" + file, "--data-dir=" + tmp.resolve("data"), "--http.port=0",
                "--ws.port=0", "--log.level=warn", "--sync.debounce=0ms"));
        daemon = Vortexd.launch(args, Map.of());
        http = new Http(daemon.httpPort());
    }

    @Test
    void unauthorizedWithoutCredentials_isNoRepository_404_andRemembered() throws Exception {
        server.answerMissingWith(401);
        launch();
        HttpResponse<String> r = http.get("/ghost/default");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("application 'ghost' has no repository"), r.body());
        int asked = server.requests();
        assertEquals(404, http.get("/ghost/default").statusCode());
        assertEquals(asked, server.requests(), "remembered: the host is not asked again");
        assertFalse(Files.exists(tmp.resolve("data/mirrors/cfg.ghost.git")));
        assertEquals(200, http.get("/shop/default").statusCode(), "a repository that exists is served");
    }

    @Test
    void unauthorizedWithCredentials_isAnAuthenticationFailure_503_notRemembered() throws Exception {
        server.requireBasicAuth("vortex", "s3cret-token");
        server.answerMissingWith(401);
        Path creds = Files.writeString(tmp.resolve("creds"), "vortex:s3cret-token\n");
        launch("credentials-file: " + creds);
        assertEquals(200, http.get("/shop/default").statusCode(), "the credentials are good for a repository that exists");
        HttpResponse<String> r = http.get("/ghost/default");
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().toLowerCase(java.util.Locale.ROOT).contains("not authorized"), r.body());
        assertFalse(r.body().contains("s3cret-token"), r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        assertEquals(200, http.get("/api/v1/repos/cfg.ghost").statusCode(), "kept and retried with backoff, not dropped as missing");
    }

    @Test
    void forbidden_isAnAuthenticationFailure_503() throws Exception {
        server.answerMissingWith(403);
        launch();
        HttpResponse<String> r = http.get("/ghost/default");
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("403") || r.body().toLowerCase(java.util.Locale.ROOT).contains("not permitted"), r.body());
    }
}
