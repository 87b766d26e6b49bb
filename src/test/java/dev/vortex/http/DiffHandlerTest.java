package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffHandlerTest {
    @TempDir
    Path dir;
    HandlerApi api;
    String c1;
    String c2;

    @BeforeEach
    void start() throws Exception {
        TestRepo repo = TestRepo.init(dir.resolve("cfg"));
        c1 = repo.write("application.yml", "a: 1\n").write("demo-prod.yml", "p: x\n").commit("one");
        c2 = repo.write("application.yml", "a: 2\n").commit("two");
        api = HandlerApi.start(repo.dir(), (repos, commits, renderer, router) -> new DiffHandler(repos, commits, renderer).register(router));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void twoCommits_answerThePatch() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/repos/cfg/diff?from=" + c1 + "&to=" + c2 + "&app=demo&profile=prod");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":2}]", r.body());
        assertEquals("[]", api.get("/api/v1/repos/cfg/diff?from=main&to=" + c2 + "&app=demo").body());
    }

    @Test
    void missingOrMalformedParameters_answer400() throws Exception {
        for (String q : List.of("to=" + c2 + "&app=demo", "from=" + c1 + "&app=demo", "from=" + c1 + "&to=" + c2,
                "from=..&to=" + c2 + "&app=demo", "from=" + c1 + "&to=" + c2 + "&app=-x",
                "from=" + c1 + "&to=" + c2 + "&app=demo&profile=a,,b")) {
            HttpResponse<String> r = api.get("/api/v1/repos/cfg/diff?" + q);
            assertEquals(400, r.statusCode(), q + " → " + r.body());
        }
    }

    @Test
    void unknownRepoOrCommit_answer404() throws Exception {
        assertEquals(404, api.get("/api/v1/repos/nope/diff?from=" + c1 + "&to=" + c2 + "&app=demo").statusCode());
        HttpResponse<String> r = api.get("/api/v1/repos/cfg/diff?from=" + "0".repeat(40) + "&to=" + c2 + "&app=demo");
        assertEquals(404, r.statusCode());
        assertEquals("commit '" + "0".repeat(40) + "' not found in repository 'cfg'",
                new ObjectMapper().readTree(r.body()).get("message").asText());
    }
}
