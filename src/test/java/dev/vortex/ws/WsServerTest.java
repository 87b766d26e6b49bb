package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.render.JsonPatch;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Target PROD = new Target("myapp", "prod", "main");

    private final WsFixture fx = new WsFixture();
    private final FakeFeed feed = fx.feed;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static Map<String, Object> cfg(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> map(JsonNode n) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.convertValue(n, LinkedHashMap.class);
        return m;
    }

    @Test
    void connectWithPath_sendsSnapshotOfEffectiveConfig() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("server.port", 8080, "a.b[0]", "x"));
        WsServer server = fx.start();

        TestClient c = fx.client(server, "/ws/myapp/prod");
        JsonNode m = c.next("config_snapshot");

        assertEquals(1, m.get("v").asInt());
        assertEquals("myapp", m.get("app").asText());
        assertEquals("prod", m.get("profile").asText());
        assertEquals("main", m.get("label").asText());
        assertEquals(c1, m.get("version").asText());
        assertEquals(cfg("server.port", 8080, "a.b[0]", "x"), map(m.get("config")));
        assertTrue(m.get("timestamp").asText().endsWith("Z"), m.toString());
        assertEquals(1, server.sessionCount());
    }

    @Test
    void labelWithUnderscoreEscape_isTheSlashLabel() {
        String c1 = feed.commit("release/1", "myapp", "prod", cfg("k", "v"));
        feed.commit("main", "myapp", "prod", cfg("k", "main"));
        WsServer server = fx.start();

        JsonNode m = fx.client(server, "/ws/myapp/prod/release(_)1").next("config_snapshot");

        assertEquals("release/1", m.get("label").asText());
        assertEquals(c1, m.get("version").asText());
    }

    @Test
    void change_diffAppliedToSnapshot_equalsNewSnapshot() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1, "b", "x", "list[0]", "p", "list[1]", "q"));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws/myapp/prod");
        Map<String, Object> snapshot = map(c.next("config_snapshot").get("config"));

        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 2, "c", true, "list[0]", "p", "path/with~odd", 1.5));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        JsonNode change = c.next("config_change");

        assertEquals(c1, change.get("old_version").asText());
        assertEquals(c2, change.get("new_version").asText());
        JsonPatch.apply(snapshot, change.get("diff"));
        JsonNode fresh = fx.client(server, "/ws/myapp/prod").next("config_snapshot");
        assertEquals(map(fresh.get("config")), snapshot);
        assertEquals(c2, fresh.get("version").asText());
    }

    @Test
    void commitThatChangesNothingForASubscription_sendsNothing_andDiffsStillChain() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws/myapp/prod");
        c.next("config_snapshot");

        String c2 = feed.commit("main", "other", "prod", cfg("x", 1));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        String c3 = feed.commit("main", "myapp", "prod", cfg("a", 3));
        server.onChange(FakeFeed.REPO, "main", c2, c3);

        JsonNode change = c.next("config_change");
        assertEquals(c1, change.get("old_version").asText(), "the version the client holds, not the silent c2");
        assertEquals(c3, change.get("new_version").asText());
        assertEquals(List.of(), c.violations());
    }

    @Test
    void changeOnAnotherLabelOrRepo_sendsNothing() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        feed.commit("dev", "myapp", "prod", cfg("a", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws/myapp/prod");
        c.next("config_snapshot");

        String d2 = feed.commit("dev", "myapp", "prod", cfg("a", 2));
        server.onChange(FakeFeed.REPO, "dev", null, d2);
        server.onChange("elsewhere", "main", c1, c1);
        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 5));
        server.onChange(FakeFeed.REPO, "main", c1, c2);

        assertEquals(c2, c.next("config_change").get("new_version").asText());
    }

    @Test
    void oneChange_manySessions_rendersOncePerDistinctTarget() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        WsServer server = fx.start();
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestClient c = fx.client(server, "/ws/myapp/prod");
            c.next("config_snapshot");
            clients.add(c);
        }
        int before = feed.renders();

        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);

        Set<String> ids = new HashSet<>();
        for (TestClient c : clients) {
            ids.add(c.next("config_change").get("id").asText());
        }
        assertEquals(1, feed.renders() - before);
        assertEquals(1, ids.size(), "one message, serialized once, for every session");
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.counter("vortex_ws_messages_sent_total", "config_change") == 5);
    }

    @Test
    void subscribePattern_snapshotPerMatch_thenAppAppearingLater_getsSnapshot() {
        feed.commit("main", "app1", "prod", cfg("a", 1));
        String c1 = feed.commit("main", "app2", "prod", cfg("b", 1));
        feed.commit("main", "app3", "dev", cfg("c", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"*:prod\"]}");
        assertEquals("[\"*:prod\"]", c.next("subscribed").get("patterns").toString());
        Set<String> apps = new HashSet<>();
        apps.add(c.next("config_snapshot").get("app").asText());
        apps.add(c.next("config_snapshot").get("app").asText());
        assertEquals(Set.of("app1", "app2"), apps);

        String c2 = feed.commit("main", "newapp", "prod", cfg("n", 1));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        JsonNode later = c.next("config_snapshot");
        assertEquals("newapp", later.get("app").asText());
        assertEquals(cfg("n", 1), map(later.get("config")));

        String c3 = feed.commit("main", "newapp", "prod", cfg("n", 2));
        server.onChange(FakeFeed.REPO, "main", c2, c3);
        JsonNode change = c.next("config_change");
        assertEquals("newapp", change.get("app").asText());
        assertEquals(List.of(), c.violations());
    }

    @Test
    void labelStarPattern_matchesEveryTrackedLabel_andNewBranchLater() {
        feed.track("main", "release/*");
        feed.commit("main", "myapp", "prod", cfg("a", 1));
        feed.commit("release/1", "myapp", "prod", cfg("a", 2));
        feed.commit("wip", "myapp", "prod", cfg("a", 3));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"myapp:prod:*\",\"myapp:prod:release(_)*\"]}");
        c.next("subscribed");
        Set<String> labels = new HashSet<>(Set.of(c.next("config_snapshot").get("label").asText(),
                c.next("config_snapshot").get("label").asText()));
        assertEquals(Set.of("main", "release/1"), labels);

        String r2 = feed.commit("release/2", "myapp", "prod", cfg("a", 4));
        server.onChange(FakeFeed.REPO, "release/2", null, r2);
        assertEquals("release/2", c.next("config_snapshot").get("label").asText());
    }

    @Test
    void patternWithoutLabel_meansTheDefaultLabel() {
        feed.commit("main", "myapp", "prod", cfg("a", 1));
        feed.commit("release/1", "myapp", "prod", cfg("a", 2));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"my*:prod\"]}");
        c.next("subscribed");
        assertEquals("main", c.next("config_snapshot").get("label").asText());
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"nomatch*:prod\"]}");
        assertEquals("[\"my*:prod\",\"nomatch*:prod\"]", c.next("subscribed").get("patterns").toString());
    }

    @Test
    void unsubscribe_stopsChangesForThatPatternOnly() {
        feed.commit("main", "app1", "prod", cfg("a", 1));
        String c1 = feed.commit("main", "app2", "prod", cfg("b", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"app1:prod\",\"app2:prod\"]}");
        c.next("subscribed");
        c.next("config_snapshot");
        c.next("config_snapshot");

        c.sendJson("{\"type\":\"unsubscribe\",\"patterns\":[\"app1:prod\"]}");
        assertEquals("[\"app2:prod\"]", c.next("unsubscribed").get("patterns").toString());
        String c2 = feed.commit("main", "app1", "prod", cfg("a", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        String c3 = feed.commit("main", "app2", "prod", cfg("b", 2));
        server.onChange(FakeFeed.REPO, "main", c2, c3);

        JsonNode m = c.next("config_change");
        assertEquals("app2", m.get("app").asText(), "app1's change was not sent, so app2's comes first");
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.metrics.scrape().contains("vortex_ws_subscriptions 1"));
    }

    @Test
    void unsubscribeWithOneBadPattern_changesNothing() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"myapp:prod\"]}");
        c.next("subscribed");
        c.next("config_snapshot");

        c.sendJson("{\"type\":\"unsubscribe\",\"patterns\":[\"myapp:prod\",\"bad\"]}");
        assertEquals("BAD_PATTERN", c.next("error").get("code").asText());
        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);

        assertEquals(c2, c.next("config_change").get("new_version").asText());
    }

    @Test
    void overlappingPatterns_oneMessagePerChange_andUnsubscribingOneKeepsTheOther() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws/myapp/prod");
        c.next("config_snapshot");
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"my*:prod\"]}");
        c.next("subscribed");
        c.next("config_snapshot");
        c.sendJson("{\"type\":\"unsubscribe\",\"patterns\":[\"my*:prod\"]}");
        assertEquals("[\"myapp:prod\"]", c.next("unsubscribed").get("patterns").toString());

        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 2));
        server.onChange(FakeFeed.REPO, "main", c1, c2);
        assertEquals(c2, c.next("config_change").get("new_version").asText());
        String c3 = feed.commit("main", "myapp", "prod", cfg("a", 3));
        server.onChange(FakeFeed.REPO, "main", c2, c3);
        assertEquals(c3, c.next("config_change").get("new_version").asText());
        assertEquals(List.of(), c.violations());
    }

    @Test
    void resync_atCurrentVersion_sendsNothing() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws/myapp/prod");
        c.next("config_snapshot");

        c.sendJson("{\"type\":\"resync\",\"last_version\":\"" + c1 + "\"}");
        c.sendJson("{\"type\":\"nonsense\"}");

        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText(), "nothing came before the error");
    }

    @Test
    void resync_fromCommitInMirror_sendsOneChangeFromIt() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1, "gone", "x"));
        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 2, "new", true));
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");

        c.sendJson("{\"type\":\"resync\",\"last_version\":\"" + c1 + "\",\"app\":\"myapp\",\"profile\":\"prod\"}");

        JsonNode change = c.next("config_change");
        assertEquals(c1, change.get("old_version").asText());
        assertEquals(c2, change.get("new_version").asText());
        Map<String, Object> held = cfg("a", 1, "gone", "x");
        JsonPatch.apply(held, change.get("diff"));
        assertEquals(cfg("a", 2, "new", true), held);

        String c3 = feed.commit("main", "myapp", "prod", cfg("a", 3, "new", true));
        server.onChange(FakeFeed.REPO, "main", c2, c3);
        assertEquals(c2, c.next("config_change").get("old_version").asText(), "the resync subscribed the session");
    }

    @Test
    void resync_fromUnknownCommit_sendsFreshSnapshot() {
        String c1 = feed.commit("main", "myapp", "prod", cfg("a", 1));
        String c2 = feed.commit("main", "myapp", "prod", cfg("a", 2));
        feed.forget(c1);
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws/myapp/prod");
        c.next("config_snapshot");

        c.sendJson("{\"type\":\"resync\",\"last_version\":\"" + c1 + "\"}");
        JsonNode m = c.next("config_snapshot");
        assertEquals(c2, m.get("version").asText());
        assertEquals(cfg("a", 2), map(m.get("config")));

        c.sendJson("{\"type\":\"resync\",\"last_version\":\"" + "f".repeat(40) + "\"}");
        assertEquals(c2, c.next("config_snapshot").get("version").asText());
    }

    @Test
    void badClientMessages_getErrors_andTheSessionStays() {
        feed.commit("main", "myapp", "prod", cfg("a", 1));
        feed.unserve("secret");
        WsServer server = fx.start();
        TestClient c = fx.client(server, "/ws");

        c.sendJson("not json");
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"dance\"}");
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText());
        c.sendJson("[1,2]");
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText());
        c.send(new byte[] {1, 2, 3});
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"only-one-part\"]}");
        assertEquals("BAD_PATTERN", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"../etc:prod\"]}");
        assertEquals("BAD_PATTERN", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"myapp:prod:nosuch\"]}");
        assertEquals("UNKNOWN_LABEL", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"secret:prod\"]}");
        assertEquals("FORBIDDEN", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"resync\",\"last_version\":\"abc\"}");
        assertEquals("BAD_MESSAGE", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"pong\"}");

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"myapp:prod\"]}");
        c.next("subscribed");
        assertEquals("myapp", c.next("config_snapshot").get("app").asText());
        assertTrue(c.isOpen());
    }

    @Test
    void subscribeOverMaxSubscriptions_tooManySubscriptions() {
        feed.commit("main", "a1", "prod", cfg("a", 1));
        feed.commit("main", "a2", "prod", cfg("a", 1));
        feed.commit("main", "a3", "prod", cfg("a", 1));
        var base = WsFixture.config();
        WsServer server = fx.start(new dev.vortex.config.VortexConfig.Ws(base.bind(), 0, base.maxSessions(), base.ping(),
                base.pongTimeout(), base.queueMessages(), base.queueBytes(), base.maxMessage(), base.maxRate(), 2),
                TokenCheck.open(), InstantSource.system());
        TestClient c = fx.client(server, "/ws");

        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"a*:prod\"]}");
        assertEquals("TOO_MANY_SUBSCRIPTIONS", c.next("error").get("code").asText());
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"a1:prod\",\"a2:prod\"]}");
        c.next("subscribed");
        c.next("config_snapshot");
        c.next("config_snapshot");
        c.sendJson("{\"type\":\"subscribe\",\"patterns\":[\"a3:prod\"]}");
        assertEquals("TOO_MANY_SUBSCRIPTIONS", c.next("error").get("code").asText());
    }
}
