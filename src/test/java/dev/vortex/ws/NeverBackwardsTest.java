package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.Vortexd;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of one repository, one behind the other (their timers an hour away): a client that
 * moves from the replica ahead to the one behind never receives an older version.
 */
class NeverBackwardsTest {
    @TempDir
    Path tmp;
    private TestRepo repo;
    private Vortexd ahead;
    private Vortexd behind;
    private String c1;

    private Vortexd replica(String name) throws Exception {
        Vortexd d = Vortexd.launch(List.of("--data-dir=" + tmp.resolve(name), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--sync.debounce=0ms", "--sync.interval=1h", "--cluster.replica-id=" + name, "--repo=" + repo.url()), Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> new Http(d.httpPort()).ready());
        return d;
    }

    @BeforeEach
    void start() throws Exception {
        repo = TestRepo.init(tmp.resolve("cfg")).write("application.yml", "greeting: one\nkeep: x\n");
        c1 = repo.commit("one");
        ahead = replica("ahead");
        behind = replica("behind");
    }

    @AfterEach
    void stop() {
        ahead.shutdown();
        behind.shutdown();
    }

    @Test
    void resyncFromACommitNotServedYet_isAnsweredAfterTheFetch_withADiffFromIt() throws Exception {
        String c2 = repo.write("application.yml", "greeting: two\nkeep: x\n").commit("two");
        new Http(ahead.httpPort()).refresh("cfg");
        String c3 = repo.write("application.yml", "greeting: three\nkeep: x\n").commit("three"); // pushed, fetched by nobody yet

        TestClient first = TestClient.connect(ahead.wsPort(), "/ws/application/default");
        JsonNode snapshot = first.next("config_snapshot");
        assertEquals(c2, snapshot.path("version").asText());
        assertEquals("ahead", snapshot.path("replica").asText());
        first.closeBlocking();

        // the load balancer sends the reconnect to the replica still serving c1
        assertEquals(c1, new Http(behind.httpPort()).version("application", "default"));
        TestClient moved = TestClient.reconnect(behind.wsPort(), "/ws", first);
        moved.sendJson("{\"type\":\"resync\",\"last_version\":\"" + c2 + "\",\"app\":\"application\",\"profile\":\"default\"}");
        JsonNode change = moved.next();
        assertEquals("config_change", change.path("type").asText(), change.toString());
        assertEquals(c2, change.path("old_version").asText(), "from the client's own commit, never from " + c1);
        assertEquals(c3, change.path("new_version").asText());
        assertEquals("behind", change.path("replica").asText());
        assertEquals("[{\"op\":\"replace\",\"path\":\"/greeting\",\"value\":\"three\"}]", change.path("diff").toString());
        synchronized (moved) {
            assertTrue(moved.violations.isEmpty(), moved.violations.toString());
            assertEquals(Map.of("greeting", "three", "keep", "x"), moved.state.values().iterator().next());
        }
        moved.closeBlocking();
    }

    @Test
    void subscribeFromTheServedAncestor_getsADiff_andFromAnUnknownCommit_aResetSnapshot() throws Exception {
        String c2 = repo.write("application.yml", "greeting: two\nkeep: x\n").commit("two");
        new Http(behind.httpPort()).refresh("cfg");
        TestClient client = TestClient.connect(behind.wsPort(), "/ws");
        client.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"application:default\"],\"last_version\":\"" + c1 + "\"}");
        assertEquals("subscribed", client.next().path("type").asText());
        JsonNode change = client.next();
        assertEquals("config_change", change.path("type").asText(), change.toString());
        assertEquals(c1, change.path("old_version").asText());
        assertEquals(c2, change.path("new_version").asText());

        // a commit no replica has (force-pushed away upstream): after the fetch, a fresh snapshot marked reset
        String gone = "0123456789abcdef0123456789abcdef01234567";
        TestClient lost = TestClient.connect(behind.wsPort(), "/ws");
        lost.sendJson("{\"type\":\"resync\",\"last_version\":\"" + gone + "\",\"app\":\"application\",\"profile\":\"default\"}");
        JsonNode reset = lost.next();
        assertEquals("config_snapshot", reset.path("type").asText(), reset.toString());
        assertTrue(reset.path("reset").asBoolean(), reset.toString());
        assertEquals(c2, reset.path("version").asText());
        client.closeBlocking();
        lost.closeBlocking();
    }
}
