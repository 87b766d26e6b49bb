package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.FakeClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client at a commit this replica does not serve yet is held while the fetch runs, but never for
 * longer than the bound (2 × {@code sync.interval}): past it, a snapshot marked {@code reset}. On a
 * fake clock, each heartbeat scan checking the bound.
 */
class CatchupHoldTest {
    private static final Duration BOUND = Duration.ofSeconds(4); // below the ping interval: no ping gets in the way
    private final WsFixture fx = new WsFixture();
    private final FakeClock clock = new FakeClock();
    private final CompletableFuture<Void> fetch = new CompletableFuture<>();
    private WsServer server;
    private String c1;

    @BeforeEach
    void start() {
        c1 = fx.feed.commit("main", Map.of(FakeFeed.key("shop", "default"), Map.of("greeting", "one"),
                FakeFeed.key("other", "default"), Map.of("x", "1")));
        fx.feed.holdBound(BOUND);
        fx.feed.fetchesEndWith(fetch); // the git host is slow: the fetch runs on
        server = fx.start(WsFixture.config(), TokenCheck.open(), clock);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private TestClient heldAt(String commit) {
        TestClient client = fx.client(server, "/ws");
        client.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"shop:default:main\"],\"last_version\":\"" + commit + "\"}");
        assertEquals("subscribed", client.next().path("type").asText());
        nothingFor(client); // the hub ended the task that holds it (it sends "subscribed" before it holds)
        return client;
    }

    /** Nothing arrived for the held subscription: the next message answers a later request. */
    private static void nothingFor(TestClient client) {
        client.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"other:default:main\"]}");
        assertEquals("subscribed", client.next().path("type").asText());
        JsonNode next = client.next("config_snapshot");
        assertEquals("other", next.path("app").asText(), next.toString());
    }

    @Test
    void aHoldWhileTheFetchRuns_endsAtTheBound_withAResetSnapshot() {
        TestClient client = heldAt("0123456789abcdef0123456789abcdef01234567");
        clock.advance(BOUND.minusMillis(1));
        server.heartbeat();
        nothingFor(client);

        clock.advance(Duration.ofMillis(1));
        server.heartbeat();
        JsonNode reset = client.next("config_snapshot");
        assertTrue(reset.path("reset").asBoolean(), reset.toString());
        assertEquals("shop", reset.path("app").asText());
        assertEquals(c1, reset.path("version").asText());
        assertEquals("one", reset.path("config").path("greeting").asText(), reset.toString());

        fetch.complete(null); // the fetch ending late changes nothing more
        clock.advance(BOUND);
        server.heartbeat();
        nothingFor(client);
        synchronized (client) {
            assertTrue(client.violations.isEmpty(), client.violations.toString());
        }
    }

    @Test
    void aHoldReleasedInTime_isNotResetLater() {
        TestClient watcher = fx.client(server, "/ws/shop/default/main");
        watcher.next("config_snapshot");
        String pushed = fx.feed.nextId();
        TestClient client = heldAt(pushed);
        clock.advance(BOUND.minusSeconds(1));
        server.heartbeat();
        String c3 = fx.feed.commit("main", "shop", "default", Map.of("greeting", "two"));
        assertEquals(pushed, c3);
        server.onChange(FakeFeed.REPO, "main", c1, c3); // the label moved to the client's own commit: it is current
        assertEquals(c3, watcher.next("config_change").path("new_version").asText()); // the hub handled the move
        clock.advance(BOUND);
        server.heartbeat();
        nothingFor(client);
        synchronized (client) {
            assertTrue(client.violations.isEmpty(), client.violations.toString());
        }
    }
}
