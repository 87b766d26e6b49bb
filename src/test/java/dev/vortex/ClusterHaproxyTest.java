package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.ChildDaemon;
import dev.vortex.testing.Haproxy;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three vortexd processes behind a real HAProxy (HTTP and WebSocket, health-checked on /ready),
 * hundreds of WebSocket clients through it, commits announced by webhooks sent to HAProxy, one
 * replica killed with SIGKILL mid-stream and restarted. Every client reconnects through HAProxy
 * and resyncs from the version it holds, as PROTOCOL.md tells clients to.
 */
class ClusterHaproxyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 300;
    private static final int COMMITS = 6;
    private static final String PATH = "/ws/application/default";
    private static final WsSwarm.Target TARGET = new WsSwarm.Target("application", "default", "main");

    @TempDir
    Path tmp;
    private final List<ChildDaemon> replicas = new CopyOnWriteArrayList<>();
    private Haproxy haproxy;
    private WsSwarm swarm;

    /** One client across its connections. */
    private static final class Client {
        final List<WsSwarm.Conn> conns = new CopyOnWriteArrayList<>();

        WsSwarm.Conn last() {
            return conns.getLast();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (swarm != null) {
            swarm.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        replicas.forEach(ChildDaemon::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void killAndRestartOfOneReplica_everyClientEndsAtTheLastCommit_neverBackwards_nothingLost() throws Exception {
        Haproxy.require();
        TestRepo repo = TestRepo.init(tmp.resolve("cfg")).write("application.yml", "counter: 0\nkeep: x\n");
        List<String> commits = new ArrayList<>(List.of(repo.commit("c0")));
        Path secret = Files.writeString(tmp.resolve("cluster-secret"), "0123456789abcdef0123456789abcdef\n");
        int[][] ports = new int[3][];
        for (int i = 0; i < 3; i++) {
            ports[i] = new int[] {freePort(), freePort()};
        }
        String peers = "--cluster.peers=http://127.0.0.1:" + ports[0][0] + ",http://127.0.0.1:" + ports[1][0] + ",http://127.0.0.1:" + ports[2][0];
        List<List<String>> args = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            args.add(List.of("--http.port=" + ports[i][0], "--ws.port=" + ports[i][1], "--repo=" + repo.url(), peers,
                    "--auth.cluster-secret-file=" + secret, "--cluster.replica-id=r" + (i + 1), "--sync.debounce=0ms", "--sync.interval=1h"));
        }
        try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ChildDaemon>> started = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                started.add(starts.submit(() -> ChildDaemon.start(tmp.resolve("r" + (n + 1)), args.get(n))));
            }
            for (Future<ChildDaemon> f : started) {
                replicas.add(f.get());
            }
        }
        int lbHttp = freePort();
        int lbWs = freePort();
        Path config = Files.writeString(tmp.resolve("haproxy.cfg"), Haproxy.config(lbHttp, lbWs, List.of(ports)));
        haproxy = Haproxy.start(config, tmp);
        Http lb = new Http(lbHttp);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (ChildDaemon r : replicas) {
                if (!new Http(r.httpPort()).ready()) {
                    return false;
                }
            }
            return lb.ready();
        });

        swarm = WsSwarm.open(lbWs, true);
        // HAProxy sends connections to a replica once its checks passed: wait until a round of probes reaches
        // all three, so that r2 gets its share of the clients below (under load it had none once)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < 6; i++) {
                WsSwarm.Conn probe = swarm.connect(PATH);
                await().atMost(Duration.ofSeconds(10)).until(() -> probe.version(TARGET) != null);
                List.of("r1", "r2", "r3").stream().filter(r -> servedBy(probe, r)).forEach(seen::add);
                swarm.close(probe);
            }
            return seen.size() == 3;
        });
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Client c = new Client();
            c.conns.add(swarm.connect(PATH));
            clients.add(c);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> commits.getFirst().equals(c.last().version(TARGET))));

        // a client whose connection ended reconnects through HAProxy at once and resyncs from what it holds
        ExecutorService reconnects = Executors.newSingleThreadExecutor();
        AtomicBoolean reconnecting = new AtomicBoolean(true);
        clients.forEach(c -> reconnectWhenEnded(c, reconnects, reconnecting));
        List<Client> onKilled = new ArrayList<>();
        try {
            for (int k = 1; k <= COMMITS; k++) {
                String commit = repo.write("application.yml", "counter: " + k + "\nkeep: x\nadded" + k + ": " + k + "\n").commit("c" + k);
                commits.add(commit);
                int status = lb.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbHttp + "/monitor"))
                        .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"refs/heads/main\",\"after\":\"" + commit
                                + "\",\"repository\":{\"name\":\"cfg\",\"clone_url\":\"" + repo.url() + "\"}}")).build()).statusCode();
                assertEquals(202, status, "webhook through HAProxy for commit " + k);
                if (k == 2) {
                    // the clients HAProxy gave r2 (how many depends on its health checks while they connected)
                    clients.stream().filter(c -> servedBy(c.last(), "r2")).forEach(onKilled::add);
                    replicas.get(1).kill(); // SIGKILL mid-stream: its clients' tunnels drop
                }
                if (k == 4) {
                    replicas.set(1, ChildDaemon.start(tmp.resolve("r2"), args.get(1)));
                }
                // commits spread over the reconnections and resyncs: not awaited per commit, for a commit whose webhook
                // the killed replica took may reach no client (the next one's run brings it)
                Thread.sleep(300);
            }
            String last = commits.getLast();
            await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.last().isOpen() && last.equals(c.last().version(TARGET))));
        } finally {
            reconnecting.set(false); // a reconnection under way ends before the checks below read the clients
            reconnects.shutdown();
            assertTrue(reconnects.awaitTermination(30, TimeUnit.SECONDS));
        }

        WsSwarm.Conn fresh = swarm.connect(PATH);
        await().atMost(Duration.ofSeconds(10)).until(() -> commits.getLast().equals(fresh.version(TARGET)));
        Map<String, Object> expected = fresh.config(TARGET);
        assertEquals(String.valueOf(COMMITS), String.valueOf(expected.get("counter")));
        for (Client c : clients) {
            int seen = -1;
            for (WsSwarm.Conn conn : c.conns) {
                assertTrue(conn.violations().isEmpty(), conn.violations().toString());
                for (String text : conn.messages()) {
                    JsonNode m = JSON.readTree(text);
                    String version = m.path("type").asText().equals("config_snapshot") ? m.path("version").asText()
                            : m.path("type").asText().equals("config_change") ? m.path("new_version").asText() : null;
                    if (version == null) {
                        continue;
                    }
                    int index = commits.indexOf(version);
                    assertTrue(index >= 0, "unknown version " + version + " in " + text);
                    assertTrue(index >= seen, "went back from commit " + seen + " to " + index + " with " + text);
                    seen = index;
                }
            }
            assertEquals(expected, c.last().config(TARGET), "diffs applied in order equal a fresh snapshot");
        }
        assertFalse(onKilled.isEmpty(), "HAProxy gave the killed replica no client");
        assertTrue(onKilled.stream().allMatch(c -> c.conns.size() > 1), "every client of the killed replica reconnected");
        assertTrue(haproxy.isAlive(), haproxy.output());
    }

    /**
     * When {@code c}'s connection ends, and while {@code reconnecting}, a new one resyncing from what the
     * ended one held, after a client's reconnect back-off of 50 ms: while HAProxy still sends to the
     * killed replica, a connection fails at once, and a client without one would retry in a tight loop.
     */
    private void reconnectWhenEnded(Client c, ExecutorService reconnects, AtomicBoolean reconnecting) {
        WsSwarm.Conn last = c.last();
        last.ended().thenRunAsync(() -> {
            if (!reconnecting.get()) {
                return;
            }
            String v = last.version(TARGET);
            c.conns.add(v == null ? swarm.connect(PATH, null, last) : swarm.connect("/ws",
                    "{\"type\":\"resync\",\"last_version\":\"" + v + "\",\"app\":\"application\",\"profile\":\"default\"}", last));
            reconnectWhenEnded(c, reconnects, reconnecting);
        }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS, reconnects));
    }

    /** True when the connection's messages name {@code replica} (every message carries its {@code "replica"}). */
    private static boolean servedBy(WsSwarm.Conn conn, String replica) {
        return conn.messages().stream().anyMatch(text -> text.contains("\"replica\":\"" + replica + "\""));
    }
}
