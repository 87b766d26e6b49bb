package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.ops.Metrics;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.sync.CommitCheck;
import dev.vortex.sync.SyncEngine;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API in front of a real engine syncing real repositories. */
class AdminHandlersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private TestRepo origin;
    private GitHttpServer git;
    private Mirrors mirrors;
    private SyncEngine engine;
    private HttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "a: 1\n").commit("first");
        Files.createDirectories(tmp.resolve("served"));
        git = GitHttpServer.start(tmp.resolve("served"));
    }

    @AfterEach
    void tearDown() {
        git.close();
        if (engine != null) {
            engine.stop(Duration.ofSeconds(5));
        }
        if (mirrors != null) {
            mirrors.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private void start(List<RepoConfig> repos, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data-dir=" + tmp.resolve("data")));
        args.addAll(List.of(flags));
        VortexConfig config = ConfigLoader.load(args, Map.of()).withRepos(repos, false);
        Metrics metrics = new Metrics();
        mirrors = Mirrors.open(config, InstantSource.system());
        StateStore state = new StateStore(StateFile.in(config.dataDir()), metrics);
        engine = new SyncEngine(config, mirrors, state, CommitCheck.acceptAll(), metrics, InstantSource.system());
        engine.start();
        Router router = new Router(metrics);
        new AdminHandlers(engine).register(router);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", router);
        server.start();
    }

    private static RepoConfig repo(String name, String url) {
        return new RepoConfig(name, List.of(url), List.of("*"), "main", List.of(), List.of(), Optional.empty());
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void refreshWithWait_commitServed_thenStatusShowsIt() throws Exception {
        start(List.of(repo("cfg", origin.url())));
        String c2 = origin.write("application.yml", "a: 2\n").commit("second");

        HttpResponse<String> r = call("POST", "/api/v1/repos/cfg/refresh?wait=30s");

        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(c2, body.path("commits").path("main").asText());
        assertTrue(body.has("changed") && body.has("duration_ms"));
        assertTrue(body.path("error").isNull());

        JsonNode status = json(call("GET", "/api/v1/repos/cfg"));
        assertEquals("cfg", status.path("name").asText());
        assertEquals(c2, status.path("commits").path("main").asText());
        assertEquals("ok", status.path("last_refresh").path("result").asText());
        assertEquals("api", status.path("last_refresh").path("trigger").asText());
        assertEquals(0, status.path("attempts").asInt());
        assertFalse(status.path("next_attempt").isNull());
        assertEquals("ok", status.path("mirrors").get(0).path("result").asText());
        assertTrue(status.path("full_reload").has("next"));
    }

    @Test
    void list_showsEveryRepository() throws Exception {
        start(List.of(repo("a", origin.url()), repo("b", origin.url())));
        call("POST", "/api/v1/refresh?wait=30s");

        JsonNode body = json(call("GET", "/api/v1/repos"));

        assertEquals(2, body.path("repos").size());
        assertEquals("a", body.path("repos").get(0).path("name").asText());
        assertEquals(origin.head(), body.path("repos").get(1).path("commits").path("main").asText());
        assertTrue(body.has("full_reload"));
    }

    @Test
    void refreshWithoutWait_202Accepted() throws Exception {
        start(List.of(repo("a", origin.url()), repo("b", origin.url())));

        HttpResponse<String> one = call("POST", "/api/v1/repos/a/refresh");
        HttpResponse<String> all = call("POST", "/api/v1/refresh");

        assertEquals(202, one.statusCode());
        assertEquals("{\"accepted\":[\"a\"]}", one.body());
        assertEquals(202, all.statusCode());
        assertEquals("{\"accepted\":[\"a\",\"b\"]}", all.body());
    }

    @Test
    void refreshAllWithWait_resultPerRepository() throws Exception {
        start(List.of(repo("a", origin.url()), repo("down", "http://127.0.0.1:1/x.git")));

        JsonNode body = json(call("POST", "/api/v1/refresh?wait=30s"));

        assertEquals(List.of("changed", "duration_ms", "error", "repos"), fieldNames(body));
        assertEquals(origin.head(), body.path("repos").path("a").path("commits").path("main").asText());
        assertTrue(body.path("error").asText().startsWith("down: fetch http://127.0.0.1:1/x.git"), body.toString());
        assertTrue(body.path("repos").path("a").path("error").isNull());
        assertTrue(body.path("repos").path("down").path("error").asText().startsWith("fetch http://127.0.0.1:1/x.git"), body.toString());
        // each repository's entry has the shape of that repository's own refresh answer
        JsonNode one = json(call("POST", "/api/v1/repos/a/refresh?wait=30s"));
        assertEquals(fieldNames(one), fieldNames(body.path("repos").path("a")));
        assertEquals(List.of("changed", "commits", "duration_ms", "error"), fieldNames(one));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void unknownRepository_404Json() throws Exception {
        start(List.of(repo("cfg", origin.url())));

        for (HttpResponse<String> r : List.of(call("GET", "/api/v1/repos/nope"), call("POST", "/api/v1/repos/nope/refresh"))) {
            assertEquals(404, r.statusCode());
            assertEquals("no repository named \"nope\"", json(r).path("message").asText());
            assertEquals(404, json(r).path("status").asInt());
        }
    }

    @Test
    void badWait_400() throws Exception {
        start(List.of(repo("cfg", origin.url())));

        for (String wait : List.of("soon", "0", "10m", "")) {
            HttpResponse<String> r = call("POST", "/api/v1/repos/cfg/refresh?wait=" + wait);
            assertEquals(400, r.statusCode(), wait);
            assertTrue(json(r).path("message").asText().startsWith("wait: "), r.body());
        }
    }

    @Test
    void waitExpires_504_andTheRunGoesOn() throws Exception {
        GitHttpServer.bareCopy(origin, tmp.resolve("served"), "cfg.git");
        start(List.of(repo("cfg", git.url("cfg.git"))), "--sync.fetch-timeout=30s");
        call("POST", "/api/v1/repos/cfg/refresh?wait=30s");
        git.mode(GitHttpServer.Mode.HANG);

        HttpResponse<String> r = call("POST", "/api/v1/repos/cfg/refresh?wait=300ms");

        assertEquals(504, r.statusCode());
        assertTrue(json(r).path("message").asText().contains("goes on"));
    }

    @Test
    void credentialsInUrls_neverShown() throws Exception {
        GitHttpServer.bareCopy(origin, tmp.resolve("served"), "cfg.git");
        String url = git.url("cfg.git").replace("http://", "http://deploy:s3cr3t-t0ken@");
        start(List.of(repo("cfg", url), repo("down", "http://deploy:s3cr3t-t0ken@127.0.0.1:1/x.git")));

        String refresh = call("POST", "/api/v1/refresh?wait=30s").body();
        String status = call("GET", "/api/v1/repos").body();

        assertFalse(refresh.contains("s3cr3t") || refresh.contains("deploy"), refresh);
        assertFalse(status.contains("s3cr3t") || status.contains("deploy"), status);
        assertTrue(status.contains(git.url("cfg.git")));
    }
}
