package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    HandlerApi api;
    String c1;

    @BeforeEach
    void start() throws Exception {
        TestRepo repo = TestRepo.init(dir.resolve("cfg"));
        c1 = repo.write("application.yml", "port: 80\nhosts: [a, b, c]\nname: app\n")
                .write("demo.properties", "# demo\nport=8080\n")
                .write("demo-prod.yml", "x: 1\n---\nspring.config.activate.on-profile: prod\nport: 443\nhosts: [p]\n"
                        + "url: http://h:${port}\n")
                .commit("one");
        repo.branch("bad").write("broken.yml", "a: 1\nb: [\n").commit("broken");
        api = HandlerApi.start(repo.dir(), (repos, commits, renderer, router) -> new ExplainHandler(repos, commits, renderer).register(router));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static List<String> column(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void key_listsEverySourceDefiningIt_highestFirst_andTheWinner() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/explain?app=demo&profile=prod&key=port");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(c1, body.get("commit").asText());
        assertEquals("main", body.get("label").asText());
        assertEquals(443, body.get("value").asInt());
        JsonNode sources = body.get("sources");
        assertEquals(List.of("demo-prod.yml", "demo.properties", "application.yml"), column(sources, "file"));
        assertEquals(List.of("4:7", "2:6", "1:7"), column(sources, "origin"));
        assertEquals(List.of("true", "false", "false"), column(sources, "wins"));
        assertEquals(1, sources.get(0).get("document").asInt());
        assertEquals("https://git.example.com/cfg.git/demo-prod.yml (document #1)", sources.get(0).get("source").asText());
    }

    @Test
    void listElement_hiddenByAHigherList_winsNowhere() throws Exception {
        JsonNode body = JSON.readTree(api.get("/api/v1/explain?app=demo&profile=prod&key=hosts%5B2%5D").body());
        assertTrue(body.get("value").isNull());
        assertEquals(List.of("application.yml"), column(body.get("sources"), "file"));
        assertEquals(List.of("false"), column(body.get("sources"), "wins"));
        JsonNode p = JSON.readTree(api.get("/api/v1/explain?app=demo&profile=default&key=hosts%5B2%5D").body());
        assertEquals("c", p.get("value").asText());
        assertEquals(List.of("true"), column(p.get("sources"), "wins"));
    }

    @Test
    void undefinedKey_noSources() throws Exception {
        JsonNode body = JSON.readTree(api.get("/api/v1/explain?app=demo&key=nope").body());
        assertEquals(0, body.get("sources").size());
        assertTrue(body.get("value").isNull());
    }

    @Test
    void withoutKey_everyEffectiveKey_withFileAndOrigin() throws Exception {
        JsonNode body = JSON.readTree(api.get("/api/v1/explain?app=demo&profile=prod&label=" + c1).body());
        JsonNode keys = body.get("keys");
        List<String> rows = new ArrayList<>();
        keys.forEach(k -> rows.add(k.get("key").asText() + "=" + k.get("value").asText() + " " + k.get("file").asText()
                + ":" + k.get("origin").asText()));
        assertTrue(rows.contains("port=443 demo-prod.yml:4:7"), rows.toString());
        assertTrue(rows.contains("url=http://h:443 demo-prod.yml:6:6"), rows.toString());
        assertTrue(rows.contains("name=app application.yml:3:7"), rows.toString());
        assertTrue(rows.contains("hosts[0]=p demo-prod.yml:5:9"), rows.toString());
    }

    @Test
    void badRequests_400_unknown_404_unparseable_422() throws Exception {
        for (String q : List.of("key=port", "app=-x&key=port", "app=demo&profile=a,,b", "app=demo&label=..", "app=demo&key=")) {
            assertEquals(400, api.get("/api/v1/explain?" + q).statusCode(), q);
        }
        assertEquals(404, api.get("/api/v1/explain?app=demo&label=nope&key=port").statusCode());
        HttpResponse<String> broken = api.get("/api/v1/explain?app=broken&label=bad&key=a");
        assertEquals(422, broken.statusCode(), broken.body());
        assertTrue(broken.body().contains("broken.yml:3"), broken.body());
    }
}
