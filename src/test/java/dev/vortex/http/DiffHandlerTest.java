package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.render.RepoCommits;
import dev.vortex.render.Renderer;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffHandlerTest {
    @TempDir
    Path dir;
    RepoCommits commits;
    HttpApi api;
    String c1;
    String c2;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        TestRepo repo = TestRepo.init(dir.resolve("cfg"));
        c1 = repo.write("application.yml", "a: 1\n").write("demo-prod.yml", "p: x\n").commit("one");
        c2 = repo.write("application.yml", "a: 2\n").commit("two");
        commits = new RepoCommits(repo.dir());
        RepoConfig cfg = RepoCommits.repo("cfg", "https://git.example.com/cfg.git");
        Metrics metrics = new Metrics();
        Router router = new Router(metrics);
        new DiffHandler(List.of(cfg), commits, new Renderer(metrics, new VortexConfig.Render(1 << 20))).register(router);
        api = HttpApi.start(new VortexConfig.Http("127.0.0.1", 0), router);
    }

    @AfterEach
    void stop() {
        api.stop(Duration.ZERO);
        commits.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoCommits_answerThePatch() throws Exception {
        HttpResponse<String> r = get("/api/v1/repos/cfg/diff?from=" + c1 + "&to=" + c2 + "&app=demo&profile=prod");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":2}]", r.body());
        assertEquals("[]", get("/api/v1/repos/cfg/diff?from=main&to=" + c2 + "&app=demo").body());
    }

    @Test
    void missingOrMalformedParameters_answer400() throws Exception {
        for (String q : List.of("to=" + c2 + "&app=demo", "from=" + c1 + "&app=demo", "from=" + c1 + "&to=" + c2,
                "from=..&to=" + c2 + "&app=demo", "from=" + c1 + "&to=" + c2 + "&app=-x",
                "from=" + c1 + "&to=" + c2 + "&app=demo&profile=a,,b")) {
            HttpResponse<String> r = get("/api/v1/repos/cfg/diff?" + q);
            assertEquals(400, r.statusCode(), q + " → " + r.body());
        }
    }

    @Test
    void unknownRepoOrCommit_answer404() throws Exception {
        assertEquals(404, get("/api/v1/repos/nope/diff?from=" + c1 + "&to=" + c2 + "&app=demo").statusCode());
        HttpResponse<String> r = get("/api/v1/repos/cfg/diff?from=" + "0".repeat(40) + "&to=" + c2 + "&app=demo");
        assertEquals(404, r.statusCode());
        assertEquals("commit '" + "0".repeat(40) + "' not found in repository 'cfg'",
                new ObjectMapper().readTree(r.body()).get("message").asText());
    }
}
