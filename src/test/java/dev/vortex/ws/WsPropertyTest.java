package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 200 random commits (keys added, removed, changed, lists grown and shrunk, applications
 * appearing and disappearing, new branches) while clients subscribe by path and by pattern,
 * disconnect, reconnect and resync at random. Every client must end holding exactly what a fresh
 * snapshot holds, and every diff it received must have chained from the version it held.
 */
class WsPropertyTest {
    private static final List<String> APPS = List.of("a1", "a2", "a3", "late1", "late2");
    private static final List<String> PROFILES = List.of("prod", "dev");
    private static final List<String> LABELS = List.of("main", "release/1", "release/2");

    private final WsFixture fx = new WsFixture();
    private final FakeFeed feed = fx.feed;
    private final Map<String, String> heads = new HashMap<>();
    private final Map<String, Map<String, Object>> configs = new HashMap<>();
    private final List<String> commits = new ArrayList<>();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** A logical client: how it subscribes, and its current connection (null while away). */
    private static final class Peer {
        final String path;
        final List<String> patterns;
        TestClient conn;
        TestClient last;

        Peer(String path, List<String> patterns) {
            this.path = path;
            this.patterns = patterns;
        }
    }

    // Seeds 3 and 6 found a stale-channel bug (an unsubscribed channel kept and later reused).
    @ParameterizedTest
    @ValueSource(longs = {3, 6, 20261123})
    void randomCommitsDisconnectsAndResyncs_everyClientEndsEqualToAFreshSnapshot(long seed) {
        Random rnd = new Random(seed);
        for (String app : List.of("a1", "a2", "a3")) {
            for (String profile : PROFILES) {
                commit(rnd, "main", app, profile);
            }
        }
        commit(rnd, "release/1", "a2", "dev");
        WsServer server = fx.start();

        List<Peer> peers = List.of(
                new Peer("/ws/a1/prod", List.of()),
                new Peer("/ws/a2/dev/release(_)1", List.of()),
                new Peer("/ws", List.of("*:prod")),
                new Peer("/ws", List.of("a1:*:*", "late*:dev")),
                new Peer("/ws", List.of("*:*:*")),
                new Peer("/ws/a3/prod", List.of()));
        for (Peer p : peers) {
            p.conn = fx.client(server, p.path);
            p.last = p.conn;
            if (!p.patterns.isEmpty()) {
                p.conn.sendJson(subscribe(p.patterns));
            }
        }

        for (int step = 0; step < 200; step++) {
            String label = rnd.nextInt(5) == 0 ? LABELS.get(1 + rnd.nextInt(2)) : "main";
            String app = APPS.get(rnd.nextInt(step < 60 ? 3 : APPS.size()));
            String profile = PROFILES.get(rnd.nextInt(2));
            String old = heads.get(label);
            String next = commit(rnd, label, app, profile);
            server.onChange(FakeFeed.REPO, label, old, next);
            if (rnd.nextInt(25) == 0 && commits.size() > 3) {
                feed.forget(commits.get(rnd.nextInt(commits.size() - 2)));
            }
            Peer p = peers.get(rnd.nextInt(peers.size()));
            int action = rnd.nextInt(20);
            if (action == 0 && p.conn != null) {
                closeAndWait(p.conn);
                p.conn = null;
            } else if (action == 1 && p.conn == null) {
                back(server, p);
            } else if (action == 2 && p.conn != null) {
                resyncOne(rnd, p.conn);
            }
        }
        for (Peer p : peers) {
            if (p.conn == null || p.conn.isClosed()) {
                back(server, p);
            }
        }

        for (Peer p : peers) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(expected(p), held(p.conn)));
            assertEquals(List.of(), p.conn.violations());
        }
    }

    /**
     * Waits until the connection is closed: a client holds what it had received when its connection
     * ended, so nothing may arrive on the old connection after the reconnect copied its state.
     */
    private static void closeAndWait(TestClient c) {
        try {
            c.closeBlocking();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A reconnect: resync every subscription held (by name), then renew the patterns. */
    private void back(WsServer server, Peer p) {
        TestClient c = fx.track(TestClient.reconnect(server.port(), "/ws", p.last));
        // From the copy the new connection holds, never the old connection's (possibly later) state.
        for (Target t : held(c).keySet()) {
            String v = c.version(t);
            c.sendJson("{\"type\":\"resync\",\"last_version\":\"" + v + "\",\"app\":\"" + t.app() + "\",\"profile\":\""
                    + t.profile() + "\",\"label\":\"" + t.label().replace("/", "(_)") + "\"}");
        }
        if (!p.patterns.isEmpty()) {
            c.sendJson(subscribe(p.patterns));
        }
        p.conn = c;
        p.last = c;
    }

    private static void resyncOne(Random rnd, TestClient c) {
        List<Target> ts = new ArrayList<>(held(c).keySet());
        if (ts.isEmpty()) {
            return;
        }
        Target t = ts.get(rnd.nextInt(ts.size()));
        c.sendJson("{\"type\":\"resync\",\"last_version\":\"" + c.version(t) + "\",\"app\":\"" + t.app()
                + "\",\"profile\":\"" + t.profile() + "\",\"label\":\"" + t.label() + "\"}");
    }

    private static String subscribe(List<String> patterns) {
        return "{\"type\":\"subscribe\",\"patterns\":[\"" + String.join("\",\"", patterns) + "\"]}";
    }

    private static Map<Target, Map<String, Object>> held(TestClient c) {
        synchronized (c) {
            Map<Target, Map<String, Object>> out = new HashMap<>();
            c.state.forEach((t, m) -> out.put(t, new LinkedHashMap<>(m)));
            return out;
        }
    }

    /** What fresh snapshots of this client's subscriptions hold now. */
    private Map<Target, Map<String, Object>> expected(Peer p) {
        Set<Target> targets = new TreeSet<>((x, y) -> x.toString().compareTo(y.toString()));
        targets.addAll(held(p.conn).keySet());
        for (String pattern : p.patterns) {
            targets.addAll(TargetPattern.parse(pattern).expand(feed.targets(), feed::defaultLabel));
        }
        Map<Target, Map<String, Object>> out = new HashMap<>();
        for (Target t : targets) {
            out.put(t, new LinkedHashMap<>(feed.currentConfig(t)));
        }
        return out;
    }

    private String commit(Random rnd, String label, String app, String profile) {
        String key = label + "|" + app + ":" + profile;
        Map<String, Object> cfg = new LinkedHashMap<>(configs.getOrDefault(key, Map.of()));
        if (rnd.nextInt(30) == 0 && !cfg.isEmpty()) {
            configs.remove(key);
            String id = feed.commit(label, app, profile, null);
            return record(label, id);
        }
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits; i++) {
            switch (rnd.nextInt(5)) {
                case 0 -> cfg.put("k" + rnd.nextInt(12), rnd.nextInt(100));
                case 1 -> cfg.remove("k" + rnd.nextInt(12));
                case 2 -> cfg.put("s.k" + rnd.nextInt(6), rnd.nextBoolean() ? "v/" + rnd.nextInt(9) : "~" + rnd.nextInt(9));
                case 3 -> {
                    cfg.keySet().removeIf(k -> k.startsWith("list["));
                    int n = rnd.nextInt(4);
                    for (int j = 0; j < n; j++) {
                        cfg.put("list[" + j + "]", rnd.nextInt(5) == 0 ? null : "e" + rnd.nextInt(20));
                    }
                }
                default -> cfg.put("flag." + rnd.nextInt(3), rnd.nextBoolean());
            }
        }
        configs.put(key, cfg);
        return record(label, feed.commit(label, app, profile, cfg));
    }

    private String record(String label, String id) {
        heads.put(label, id);
        commits.add(id);
        return id;
    }
}
