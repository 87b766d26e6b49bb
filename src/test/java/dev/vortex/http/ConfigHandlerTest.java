package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.render.RepoCommits;
import dev.vortex.render.Renderer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestRepo repo;
    RepoCommits commits;
    HttpApi api;
    String main;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        repo = TestRepo.init(dir.resolve("cfg"));
        repo.write("application.yml", "greeting: hello\nlist: [a, b]\n")
                .write("demo-prod.yml", "greeting: hello prod\nurl: http://${greeting}\n")
                .write("docs/notice.txt", "says ${greeting}\n");
        main = repo.commit("one");
        repo.branch("release/1.0").write("application.yml", "greeting: release\n").commit("release");
        repo.checkout("main");
        commits = new RepoCommits(repo.dir());
        RepoConfig shop = new RepoConfig("shop", List.of("https://git.example.com/shop.git"), List.of("shop-*"), "main",
                List.of(), List.of(), Optional.empty());
        RepoConfig cfg = RepoCommits.repo("cfg", "https://git.example.com/cfg.git");
        Metrics metrics = new Metrics();
        Renderer renderer = new Renderer(metrics, new VortexConfig.Render(1 << 20));
        Router router = new Router(metrics).fallback(new ConfigHandler(List.of(shop, cfg), commits, renderer));
        api = HttpApi.start(new VortexConfig.Http("127.0.0.1", 0), router);
    }

    @AfterEach
    void stop() {
        api.stop(Duration.ZERO);
        commits.close();
    }

    private HttpResponse<String> get(String rawPath, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + rawPath));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void malformedParts_answer400() throws Exception {
        String longName = "a".repeat(256);
        for (String path : List.of("/%2E%2E/default", "/demo%00/default", "/-demo/default", "/" + longName + "/default",
                "/de%01mo/default", "/de%5Cmo/default", "/demo/-prod", "/demo/prod,,dev", "/,/default", "/demo,,x/default", "/demo/default/%2E%2E",
                "/demo/default/a(_)..(_)b", "/demo/default/-main", "/demo/default/main/docs/%2E%2E/x",
                "/demo/default/main/docs/a%5Cb", "/demo/default/main/docs/%00", "/demo-%2E%2E.yml", "/-x/demo-prod.yml",
                "/demo/default/notice.txt%01?useDefaultLabel")) {
            HttpResponse<String> r = get(path);
            assertEquals(400, r.statusCode(), path + " → " + r.body());
            assertEquals("Bad Request", json(r).get("error").asText(), path);
        }
    }

    @Test
    void environment_etagAndIfNoneMatch() throws Exception {
        HttpResponse<String> r = get("/demo/prod");
        assertEquals(200, r.statusCode());
        String etag = "\"" + main + "\"";
        assertEquals(etag, r.headers().firstValue("ETag").orElseThrow());
        for (String inm : List.of(etag, "W/" + etag, "\"other\", " + etag, "*")) {
            HttpResponse<String> again = get("/demo/prod", "If-None-Match", inm);
            assertEquals(304, again.statusCode(), inm);
            assertEquals("", again.body());
            assertEquals(etag, again.headers().firstValue("ETag").orElseThrow());
        }
        assertEquals(200, get("/demo/prod", "If-None-Match", "\"stale\"").statusCode());
    }

    @Test
    void views_carryViewSuffixedEtags() throws Exception {
        HttpResponse<String> yml = get("/demo-prod.yml");
        assertEquals("\"" + main + "-yaml\"", yml.headers().firstValue("ETag").orElseThrow());
        assertEquals(304, get("/demo-prod.yml", "If-None-Match", "\"" + main + "-yaml\"").statusCode());
        assertEquals(200, get("/demo-prod.yml", "If-None-Match", "\"" + main + "\"").statusCode());
        assertEquals("\"" + main + "-properties\"", get("/main/demo-prod.properties").headers().firstValue("ETag").orElseThrow());
        assertEquals("\"" + main + "\"", get("/demo-prod.json").headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void v2Accept_answersEachValueWithItsOrigin_asSpringDoes() throws Exception {
        HttpResponse<String> v2 = get("/demo/prod", "Accept", "application/vnd.spring-cloud.config-server.v2+json");
        assertEquals("application/vnd.spring-cloud.config-server.v2+json", v2.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Accept", v2.headers().firstValue("Vary").orElseThrow());
        assertEquals("\"" + main + "-v2\"", v2.headers().firstValue("ETag").orElseThrow());
        JsonNode sources = json(v2).get("propertySources");
        assertEquals("{\"value\":\"hello prod\",\"origin\":\"1:11\"}", sources.get(0).get("source").get("greeting").toString());
        assertEquals("{\"value\":\"b\",\"origin\":\"2:11\"}", sources.get(1).get("source").get("list[1]").toString());
        JsonNode v1 = json(get("/demo/prod"));
        assertEquals("hello prod", v1.get("propertySources").get(0).get("source").get("greeting").asText());
        assertEquals(304, get("/demo/prod", "Accept", "application/vnd.spring-cloud.config-server.v2+json",
                "If-None-Match", "\"" + main + "-v2\"").statusCode());
        assertEquals(200, get("/demo/prod", "Accept", "application/vnd.spring-cloud.config-server.v2+json",
                "If-None-Match", "\"" + main + "\"").statusCode());
    }

    @Test
    void slashInLabel_writtenAsParenUnderscore() throws Exception {
        JsonNode env = json(get("/demo/default/release(_)1.0"));
        assertEquals("release/1.0", env.get("label").asText());
        assertEquals("release", env.get("propertySources").get(0).get("source").get("greeting").asText());
        assertEquals("release", json(get("/release(_)1.0/demo-default.json")).get("greeting").asText());
    }

    @Test
    void fullCommitId_isALabel() throws Exception {
        JsonNode env = json(get("/demo/default/" + main));
        assertEquals(main, env.get("label").asText());
        assertEquals(main, env.get("version").asText());
    }

    @Test
    void unknownLabel_answers404NamingLabelAndRepo() throws Exception {
        HttpResponse<String> r = get("/demo/default/nope");
        assertEquals(404, r.statusCode());
        JsonNode body = json(r);
        assertEquals("label 'nope' not found in repository 'cfg'", body.get("message").asText());
        assertEquals("/demo/default/nope", body.get("path").asText());
        assertEquals("Not Found", body.get("error").asText());
    }

    @Test
    void firstRepoWhoseAppsMatch_serves() throws Exception {
        JsonNode shop = json(get("/shop-web/default"));
        assertTrue(shop.get("propertySources").get(0).get("name").asText().startsWith("https://git.example.com/shop.git/"));
        JsonNode other = json(get("/web/default"));
        assertTrue(other.get("propertySources").get(0).get("name").asText().startsWith("https://git.example.com/cfg.git/"));
    }

    @Test
    void plainFiles_labelledAndDefaultLabel() throws Exception {
        HttpResponse<String> r = get("/demo/prod/main/docs/notice.txt");
        assertEquals("says hello prod\n", r.body());
        assertEquals("text/plain;charset=UTF-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("\"" + main + "-file\"", r.headers().firstValue("ETag").orElseThrow());
        assertEquals("says hello prod\n", get("/demo/prod/docs/notice.txt?useDefaultLabel").body());
        assertEquals("says hello prod\n", get("/demo/prod/docs/notice.txt?useDefaultLabel=true").body());
        assertEquals("says ${greeting}\n", get("/demo/prod/main/docs/notice.txt?resolvePlaceholders=false").body());
        HttpResponse<String> missing = get("/demo/prod/main/docs/none.txt");
        assertEquals(404, missing.statusCode());
        assertEquals("file 'docs/none.txt' not found in repository 'cfg'", json(missing).get("message").asText());
    }

    @Test
    void resolvePlaceholdersFalse_keepsThemInViews() throws Exception {
        assertEquals("http://hello prod", json(get("/demo-prod.json")).get("url").asText());
        assertEquals("http://${greeting}", json(get("/demo-prod.json?resolvePlaceholders=false")).get("url").asText());
        assertEquals("http://${greeting}", json(get("/demo-prod.json?resolvePlaceholders=off")).get("url").asText());
        assertEquals(400, get("/demo-prod.json?resolvePlaceholders=maybe").statusCode());
    }

    @Test
    void headAnswersWithoutBody_postIs405() throws Exception {
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/demo/prod"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/demo/prod"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void notAConfigPath_answers404() throws Exception {
        for (String path : List.of("/demo/prod/", "/demo", "/demo//x", "/demo.yml")) {
            assertEquals(404, get(path).statusCode(), path);
        }
    }

    @Test
    void brokenConfiguration_answers422NamingFile() throws Exception {
        repo.write("demo.yml", "a: [\n").commit("broken");
        HttpResponse<String> r = get("/demo/default");
        assertEquals(422, r.statusCode());
        assertTrue(json(r).get("message").asText().contains("demo.yml:"), r.body());
    }
}
