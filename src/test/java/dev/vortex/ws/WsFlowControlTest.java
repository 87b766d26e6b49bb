package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.VortexConfig;
import dev.vortex.testing.RawWebSocket;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Watching many targets under default limits: changes-only subscriptions, snapshots and change
 * bursts paced by the client's reading, and a change re-rendering only the applications it touched.
 */
class WsFlowControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WsFixture fx = new WsFixture();
    private final FakeFeed feed = fx.feed;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** A client subscribed to {@code *:prod} that has read the {@code apps} snapshots. */
    private TestClient subscribedToEveryProd(WsServer server, int apps) {
        TestClient c = fx.client(server, "/ws");
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"*:prod\"]}");
        c.next("subscribed");
        for (int i = 0; i < apps; i++) {
            c.next("config_snapshot");
        }
        return c;
    }

    /** A changes-only client subscribed to {@code *:*}. */
    private TestClient watchingEverything(WsServer server) {
        TestClient watcher = fx.client(server, "/ws");
        watcher.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"],\"snapshots\":false}");
        watcher.next("subscribed");
        return watcher;
    }

    /** {@code apps} applications with a prod profile each, at generation {@code n}; returns the commit. */
    private String commitAll(int apps, int n) {
        Map<String, Map<String, Object>> all = new HashMap<>();
        for (int i = 0; i < apps; i++) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("app.name", "app" + i);
            config.put("revision", n);
            config.put("padding", "x".repeat(200));
            all.put(FakeFeed.key("app" + i, "prod"), config);
        }
        return feed.commit("main", all);
    }

    @Test
    void changesOnly_sendsNoSnapshot_thenEachChangeWithThePreviousValues_underTheDefaultSubscriptionLimit() {
        String c1 = commitAll(1_500, 1); // more targets than ws.max-subscriptions (1,000)
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"],\"snapshots\":false}");
        assertEquals("[\"*:*\"]", c.next("subscribed").get("patterns").toString());

        String c2 = feed.commit("main", "app7", "prod", Map.of("app.name", "app7", "revision", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        JsonNode change = c.next();
        assertEquals("config_change", change.get("type").asText(), "no snapshot came before it: " + change);
        assertEquals("app7", change.get("app").asText());
        assertEquals(c1, change.get("old_version").asText());
        assertEquals(c2, change.get("new_version").asText());
        assertEquals(1, change.get("previous").get("revision").asInt());
        assertEquals("x".repeat(200), change.get("previous").get("padding").asText(), "a removed key's value");

        c.sendJson("{\"type\":\"unsubscribe\",\"patterns\":[\"*:*\"]}");
        assertEquals("[]", c.next("unsubscribed").get("patterns").toString());
        String c3 = feed.commit("main", "app8", "prod", Map.of("revision", 3));
        server.onChange(FakeFeed.REPO, "main", c2, c3);
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"app1:prod\"],\"snapshots\":\"no\"}");
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText(), "nothing came in between");
    }

    @Test
    void oneApplicationChanged_rendersOnlyItsSubscriptions() {
        String c1 = commitAll(200, 1);
        WsServer server = fx.start();
        TestClient c = subscribedToEveryProd(server, 200);
        TestClient watcher = watchingEverything(server);
        int before = feed.renders();

        String c2 = feed.commit("main", "app42", "prod", Map.of("revision", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);

        JsonNode change = c.next("config_change");
        assertEquals("app42", change.get("app").asText());
        assertEquals(1, watcher.next("config_change").get("previous").get("revision").asInt());
        assertEquals(1, feed.renders() - before,
                "app42:prod rendered once (the changes-only subscriber reuses the channel's), none of the 199 others");
        assertEquals(c2, c.version(new Target("app42", "prod", "main")));
        assertEquals(java.util.List.of(), c.violations());
    }

    @Test
    void aChangesOnlyPattern_firstHeld_hasTheTargetsListedAside_forTheFirstChangeToFindWorkedOut() {
        commitAll(5, 1);
        WsServer server = fx.start();
        int listed = feed.listings();

        watchingEverything(server);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> feed.listings() == listed + 1);
    }

    @Test
    void valuesChanged_patternsAreNotMatchedAgainstEveryTarget_butANewApplicationReachesThem() {
        String c1 = commitAll(50, 1);
        WsServer server = fx.start();
        TestClient c = subscribedToEveryProd(server, 50);
        int listed = feed.listings();

        String c2 = feed.commit("main", "app7", "prod", Map.of("revision", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        assertEquals("app7", c.next("config_change").get("app").asText());
        assertEquals(listed, feed.listings(), "the same targets before and after: none listed");

        String c3 = feed.commit("main", "new", "prod", Map.of("revision", 1));
        server.onChange(FakeFeed.REPO, "main", c2, c3);
        JsonNode snapshot = c.next("config_snapshot");
        assertEquals("new", snapshot.get("app").asText());
        assertEquals(listed + 1, feed.listings());
    }

    @Test
    void changesOnly_reusesWhatAChannelHolds_whenChangesInBetweenLeftItsTargetAlone() {
        String c1 = commitAll(20, 1);
        WsServer server = fx.start();
        TestClient c = subscribedToEveryProd(server, 20);
        TestClient watcher = watchingEverything(server);
        // app3 changes: app7's channel still holds its snapshot of c1, which is its configuration at c2 too
        String c2 = feed.commit("main", "app3", "prod", Map.of("revision", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        assertEquals("app3", watcher.next("config_change").get("app").asText());
        int renders = feed.renders();
        int older = feed.olderRenders();

        String c3 = feed.commit("main", "app7", "prod", Map.of("revision", 3));
        server.onChange(FakeFeed.REPO, "main", c2, c3);
        JsonNode change = watcher.next("config_change");
        assertEquals("app7", change.get("app").asText());
        assertEquals(c2, change.get("old_version").asText());
        assertEquals(1, change.get("previous").get("revision").asInt());
        assertEquals(c1, c.next("config_change").get("old_version").asText(), "the snapshot subscriber's diff chains from its snapshot");
        assertEquals(1, feed.renders() - renders, "app7:prod rendered once, for both subscribers");
        assertEquals(0, feed.olderRenders() - older, "not rendered again at c2");
    }

    @Test
    void changeOfEveryTarget_overSeveralBatches_eachTargetRenderedOnce_andSentOnceToEachSubscriber() {
        int apps = 2 * Hub.BATCH + 50;
        String c1 = commitAll(apps, 1);
        feed.commit("main", "solo", "default", Map.of("revision", 1)); // watched changes-only, no channel
        String c1b = feed.commit("main", Map.of());
        WsServer server = fx.start();
        TestClient c = subscribedToEveryProd(server, apps);
        TestClient watcher = watchingEverything(server);
        int renders = feed.renders();
        int older = feed.olderRenders();

        Map<String, Map<String, Object>> all = new HashMap<>();
        for (int i = 0; i < apps; i++) {
            all.put(FakeFeed.key("app" + i, "prod"), Map.of("revision", 2));
        }
        all.put(FakeFeed.key("solo", "default"), Map.of("revision", 2));
        String c2 = feed.commit("main", all);
        server.onChange(FakeFeed.REPO, "main", c1b, c2);

        Set<String> watched = new TreeSet<>();
        for (int i = 0; i < apps + 1; i++) {
            JsonNode change = watcher.next("config_change");
            assertTrue(watched.add(change.get("app").asText()), "sent once: " + change);
            assertEquals(1, change.get("previous").get("revision").asInt(), "from the old commit: " + change);
        }
        assertEquals(apps + 1, watched.size());
        assertEquals(apps + 1, feed.renders() - renders, "each target rendered once at the new commit");
        assertEquals(1, feed.olderRenders() - older, "only solo:default, which no channel held, at the old commit");
        for (int i = 0; i < apps; i++) {
            String type = c.next().get("type").asText();
            assertTrue(type.equals("config_change") || type.equals("config_snapshot"), type);
        }
        assertEquals(java.util.List.of(), c.violations());
        assertEquals(c2, c.version(new Target("app" + (apps - 1), "prod", "main")));
    }

    @Test
    void slowReader_ofManySnapshotsAndABurstOfChanges_isPacedNeverClosed_andEndsCurrent() throws Exception {
        VortexConfig.Ws small = new VortexConfig.Ws("127.0.0.1", 0, 100, Duration.ofSeconds(30), Duration.ofSeconds(10),
                16, 4L << 20, 64L << 10, 100, 1000); // a 16-message queue: 400 snapshots are 25 times that
        String c1 = commitAll(400, 1);
        WsServer server = fx.start(small, TokenCheck.open(), InstantSource.system());
        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws", "", 4096)) {
            raw.sendText("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"]}");
            Map<String, Integer> revision = new HashMap<>();
            readSlowly(raw, 401, revision);
            assertEquals(400, revision.size());

            String c2 = commitAll(400, 2);
            server.onChange(FakeFeed.REPO, "main", c1, c2);
            readSlowly(raw, 400, revision);
            assertEquals(Set.of(2), new TreeSet<>(revision.values()), "every subscription at the new commit, none lost");
            assertEquals(0, fx.counter("vortex_ws_queue_overflows_total"));
        }
    }

    @Test
    void changesOnlyBurst_toASlowReader_isPacedNeverClosed_noneLost() throws Exception {
        VortexConfig.Ws small = new VortexConfig.Ws("127.0.0.1", 0, 100, Duration.ofSeconds(30), Duration.ofSeconds(10),
                16, 4L << 20, 64L << 10, 100, 1000);
        String c1 = commitAll(600, 1);
        WsServer server = fx.start(small, TokenCheck.open(), InstantSource.system());
        try (RawWebSocket raw = RawWebSocket.connect(server.port(), "/ws", "", 4096)) {
            raw.sendText("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"],\"snapshots\":false}");
            assertTrue(raw.nextText().contains("\"subscribed\""));

            String c2 = commitAll(600, 2);
            server.onChange(FakeFeed.REPO, "main", c1, c2);
            Map<String, Integer> revision = new HashMap<>();
            readSlowly(raw, 600, revision);
            assertEquals(600, revision.size(), "one config_change per application, none lost");
            assertEquals(Set.of(2), new TreeSet<>(revision.values()));
            assertEquals(0, fx.counter("vortex_ws_queue_overflows_total"));
        }
    }

    /** Reads {@code n} text frames, pausing now and then; records each application's revision; fails on a close. */
    private static void readSlowly(RawWebSocket raw, int n, Map<String, Integer> revision) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            RawWebSocket.Frame f = raw.next();
            assertTrue(f != null, "connection ended after " + i + " messages");
            assertFalse(f.opcode() == RawWebSocket.CLOSE, "closed " + f.closeCode() + " after " + i + " messages");
            if (f.opcode() != RawWebSocket.TEXT) {
                i--;
                continue;
            }
            JsonNode m = JSON.readTree(f.text());
            switch (m.get("type").asText()) {
                case "config_snapshot" -> revision.put(m.get("app").asText(), m.get("config").get("revision").asInt());
                case "config_change" -> m.get("diff").forEach(op -> {
                    if (op.get("path").asText().equals("/revision")) {
                        revision.put(m.get("app").asText(), op.get("value").asInt());
                    }
                });
                default -> {
                    // subscribed
                }
            }
            if (i % 25 == 0) {
                Thread.sleep(2);
            }
        }
    }
}
