package dev.vortex.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.ConfigDiff;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.state.RepoState;
import dev.vortex.state.RepoStatus;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.testing.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notices (signature, replay window, hop), forwarding with backoff, DNS re-resolution and the stale flag, on a fake clock. */
class ClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "0123456789abcdef-shared";
    private static final String C1 = "1".repeat(40);
    private static final String C2 = "2".repeat(40);
    private static final String WANT = "a".repeat(40);

    @TempDir
    Path tmp;
    final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    final List<String> triggered = new CopyOnWriteArrayList<>();
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final Metrics metrics = new Metrics();
    StateStore state;
    Path secretFile;
    /** Answers of the fake transport, per peer port: an HTTP status, or -1 for "connection refused". */
    final Map<Integer, Integer> answers = new java.util.concurrent.ConcurrentHashMap<>();
    CommitOrder.Relation relation = CommitOrder.Relation.UNKNOWN;

    record Sent(URI peer, Map<String, String> headers, byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        secretFile = Files.writeString(tmp.resolve("cluster-secret"), SECRET + "\n");
        state = new StateStore(StateFile.in(tmp), metrics);
        state.publish("shop", new RepoState(Map.of("main", C1), RepoStatus.initial(List.of()), Optional.empty()));
    }

    private VortexConfig config(String id, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--auth.cluster-secret-file=" + secretFile, "--cluster.replica-id=" + id,
                "--http.port=9000", "--sync.interval=10s"));
        args.addAll(List.of(flags));
        return ConfigLoader.load(args, Map.of());
    }

    private Cluster cluster(String id, PeerDirectory.Resolver resolver, String... flags) throws Exception {
        VortexConfig config = config(id, flags);
        PeerLinks.Transport transport = (peer, headers, body) -> {
            sent.add(new Sent(peer, headers, body));
            int answer = answers.getOrDefault(peer.getPort(), 202);
            if (answer < 0) {
                throw new java.net.ConnectException("Connection refused");
            }
            return answer;
        };
        return new Cluster(config, state, (repo, wants, refs) -> triggered.add(repo + " " + wants + " " + refs), () -> (repo, t, o) -> relation,
                () -> 9000, metrics, clock, resolver, transport, Runnable::run);
    }

    private Cluster cluster(String id, String... flags) throws Exception {
        return cluster(id, PeerDirectory.Resolver.SYSTEM, flags);
    }

    private static Optional<String> h(Sent s, String name) {
        return Optional.ofNullable(s.headers().get(name));
    }

    @Test
    void resyncWait_isTheLastReloadsValue() throws Exception {
        Cluster a = cluster("a", "--cluster.resync-wait=2s");
        assertEquals(Duration.ofSeconds(2), a.resyncWait());
        VortexConfig running = config("a", "--cluster.resync-wait=2s");
        VortexConfig next = config("a", "--cluster.resync-wait=300ms");
        a.reload(next, ConfigDiff.between(running, next));
        assertEquals(Duration.ofMillis(300), a.resyncWait(), "a reload that changes only the wait applies it (the feed asks at each resync)");
    }

    @Test
    void forwardedPush_isSignedAndTriggersThePeer_whichNeverForwardsItAgain() throws Exception {
        Cluster a = cluster("a", "--cluster.peers=http://127.0.0.1:9001");
        Cluster b = cluster("b", "--cluster.peers=http://127.0.0.1:9002");
        a.forward("shop", Set.of(WANT), Set.of("refs/heads/main"), "webhook");
        assertEquals(1, sent.size());
        Sent s = sent.getFirst();
        assertEquals(URI.create("http://127.0.0.1:9001"), s.peer());
        assertEquals("push", s.json().get("kind").asText());
        assertEquals(1, s.json().get("hop").asInt());
        assertEquals("a", s.json().get("origin").asText());
        assertEquals(C1, s.json().at("/serves/shop/main").asText());
        sent.clear();
        Cluster.Received r = b.receive(h(s, "X-Vortex-Timestamp"), h(s, "X-Vortex-Signature"), s.body());
        assertEquals(202, r.status(), r.body().toString());
        assertEquals(List.of("shop [" + WANT + "] [refs/heads/main]"), triggered);
        assertTrue(sent.isEmpty(), "a received notice is never forwarded: " + sent);
        assertEquals(1, metrics.counter("vortex_cluster_notices_received_total", "").value("accepted"));
    }

    @Test
    void badSignature_staleTimestamp_missingHeaders_areRefused401_andChangeNothing() throws Exception {
        Cluster a = cluster("a", "--cluster.peers=http://127.0.0.1:9001");
        Cluster b = cluster("b");
        a.forward("shop", Set.of(WANT), Set.of(), "webhook");
        Sent s = sent.getFirst();
        byte[] tampered = new String(s.body(), StandardCharsets.UTF_8).replace(WANT, "b".repeat(40)).getBytes(StandardCharsets.UTF_8);
        assertEquals(401, b.receive(h(s, "X-Vortex-Timestamp"), h(s, "X-Vortex-Signature"), tampered).status());
        assertEquals(401, b.receive(h(s, "X-Vortex-Timestamp"), Optional.of("sha256=" + "0".repeat(64)), s.body()).status());
        assertEquals(401, b.receive(Optional.empty(), h(s, "X-Vortex-Signature"), s.body()).status());
        assertEquals(401, b.receive(h(s, "X-Vortex-Timestamp"), Optional.empty(), s.body()).status());
        // signed with another secret
        Map<String, String> other = new NoticeSignature(clock).sign("another-secret-of-length".getBytes(StandardCharsets.UTF_8), s.body());
        assertEquals(401, b.receive(Optional.of(other.get("X-Vortex-Timestamp")), Optional.of(other.get("X-Vortex-Signature")), s.body()).status());
        // the right signature, played back after the window
        clock.advance(NoticeSignature.WINDOW.plusSeconds(1));
        Cluster.Received late = b.receive(h(s, "X-Vortex-Timestamp"), h(s, "X-Vortex-Signature"), s.body());
        assertEquals(401, late.status());
        assertTrue(late.body().get("message").toString().contains("window"), late.body().toString());
        assertTrue(triggered.isEmpty(), triggered.toString());
        assertTrue(((List<?>) b.status().get("replicas")).isEmpty(), "a refused notice records nothing");
        assertEquals(6, metrics.counter("vortex_cluster_notices_received_total", "").value("unauthorized"));
    }

    @Test
    void replayWithinTheWindow_is409_andTriggersOnce() throws Exception {
        Cluster a = cluster("a", "--cluster.peers=http://127.0.0.1:9001");
        Cluster b = cluster("b");
        a.forward("shop", Set.of(WANT), Set.of(), "webhook");
        Sent s = sent.getFirst();
        assertEquals(202, b.receive(h(s, "X-Vortex-Timestamp"), h(s, "X-Vortex-Signature"), s.body()).status());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(409, b.receive(h(s, "X-Vortex-Timestamp"), h(s, "X-Vortex-Signature"), s.body()).status());
        assertEquals(1, triggered.size());
    }

    @Test
    void hopOtherThanOne_orOwnOrigin_isRefused() throws Exception {
        Cluster b = cluster("b");
        NoticeSignature signer = new NoticeSignature(clock);
        byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        for (Notice n : List.of(new Notice("x1", Notice.PUSH, "a", 2, clock.instant(), "shop", Set.of(), Set.of(), "webhook", Map.of()),
                new Notice("x2", Notice.PUSH, "b", 1, clock.instant(), "shop", Set.of(), Set.of(), "webhook", Map.of()))) {
            Map<String, String> sig = signer.sign(key, n.toJson());
            Cluster.Received r = b.receive(Optional.of(sig.get("X-Vortex-Timestamp")), Optional.of(sig.get("X-Vortex-Signature")), n.toJson());
            assertEquals(400, r.status(), n.toString());
        }
        byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);
        Map<String, String> sig = signer.sign(key, notJson);
        assertEquals(400, b.receive(Optional.of(sig.get("X-Vortex-Timestamp")), Optional.of(sig.get("X-Vortex-Signature")), notJson).status());
        assertTrue(triggered.isEmpty());
    }

    @Test
    void unreachablePeer_isRetriedWithBackoff_shownFailing_thenOk() throws Exception {
        answers.put(9001, -1);
        Cluster a = cluster("a", "--cluster.peers=http://127.0.0.1:9001,http://127.0.0.1:9002");
        a.forward("shop", Set.of(WANT), Set.of(), "webhook");
        assertEquals(2, sent.size(), "both peers at once");
        Map<String, Object> peer = peer(a, "http://127.0.0.1:9001");
        assertEquals("failing", peer.get("state"));
        assertEquals(1, peer.get("failures"));
        assertEquals(clock.instant().plusSeconds(1).toString(), peer.get("next_retry"));
        assertEquals("ok", peer(a, "http://127.0.0.1:9002").get("state"));
        sent.clear();
        List<Duration> waits = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
        for (Duration wait : waits) {
            clock.advance(wait.minusMillis(1));
            a.pump();
            assertTrue(sent.stream().noneMatch(s -> kind(s).equals("push")), "not before " + wait);
            clock.advance(Duration.ofMillis(1));
            a.pump();
            assertEquals(1, sent.stream().filter(s -> s.peer().getPort() == 9001 && kind(s).equals("push")).count(), "retry after " + wait);
            sent.clear();
        }
        answers.put(9001, 202);
        clock.advance(Duration.ofSeconds(16));
        a.pump();
        assertEquals("ok", peer(a, "http://127.0.0.1:9001").get("state"));
        assertEquals(0, peer(a, "http://127.0.0.1:9001").get("pending"));
        assertEquals(Duration.ofSeconds(30), PeerLinks.backoff(10));
    }

    @Test
    void undeliverablePush_isGivenUpAfterFiveMinutes() throws Exception {
        answers.put(9001, 500);
        Cluster a = cluster("a", "--cluster.peers=http://127.0.0.1:9001");
        a.forward("shop", Set.of(WANT), Set.of(), "webhook");
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofSeconds(30));
            a.pump();
        }
        assertEquals(0, peer(a, "http://127.0.0.1:9001").get("pending"));
        assertEquals(1, metrics.counter("vortex_cluster_notices_sent_total", "").value("dropped"));
    }

    @Test
    void peersDns_isResolvedAgainEveryMinute_withoutThisReplica() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        List<List<InetAddress>> answersByRound = List.of(
                List.of(InetAddress.getByName("10.1.0.1"), InetAddress.getByName("127.0.0.1"), InetAddress.getByName("10.1.0.2")),
                List.of(InetAddress.getByName("10.1.0.2"), InetAddress.getByName("127.0.0.1"), InetAddress.getByName("10.1.0.3")));
        PeerDirectory.Resolver resolver = host -> {
            assertEquals("vortex-peers.config.svc", host);
            return answersByRound.get(Math.min(lookups.getAndIncrement(), 1));
        };
        Cluster a = cluster("a", resolver, "--cluster.peers-dns=vortex-peers.config.svc");
        a.pump();
        assertEquals(List.of("http://10.1.0.1:9000", "http://10.1.0.2:9000"), urls(a));
        clock.advance(Duration.ofSeconds(59));
        a.pump();
        assertEquals(1, lookups.get());
        clock.advance(Duration.ofSeconds(1));
        a.pump();
        assertEquals(2, lookups.get());
        assertEquals(List.of("http://10.1.0.2:9000", "http://10.1.0.3:9000"), urls(a));
    }

    @Test
    void stale_whenNoSuccessFor3Intervals_orAPeerServesNewerFor2() throws Exception {
        Cluster a = cluster("a");
        Cluster b = cluster("b", "--cluster.peers=http://127.0.0.1:9001");
        assertTrue(a.stale().isEmpty());
        clock.advance(Duration.ofSeconds(31));
        assertTrue(a.stale().get("shop").getFirst().contains("no successful sync"), a.stale().toString());
        RepoStatus ok = new RepoStatus(Optional.empty(), Optional.of(clock.instant()), Optional.empty(), 1, 0, List.of(), List.of());
        state.publish("shop", new RepoState(Map.of("main", C1), ok, Optional.empty()));
        assertTrue(a.stale().isEmpty());

        // b tells a it serves C2 (newer: a's mirror has not fetched it)
        state.publish("shop", new RepoState(Map.of("main", C2), ok, Optional.empty()));
        b.pump();
        Sent s = sent.getLast();
        state.publish("shop", new RepoState(Map.of("main", C1), ok, Optional.empty()));
        assertEquals(202, a.receive(h(s, "X-Vortex-Timestamp"), h(s, "X-Vortex-Signature"), s.body()).status());
        clock.advance(Duration.ofSeconds(20));
        assertTrue(a.stale().isEmpty(), "newer for exactly 2 intervals is not stale yet");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(a.stale().get("shop").getFirst().contains("replica b serves a newer commit"), a.stale().toString());
        a.pump();
        assertEquals(1, metrics.gauge("vortex_repo_stale", "", "repo").value("shop"));
        assertTrue(metrics.scrape().contains("vortex_repo_stale{repo=\"shop\"} 1"), metrics.scrape());
        relation = CommitOrder.Relation.BEHIND; // the peer is behind, not ahead: never stale for that
        assertTrue(a.stale().isEmpty(), a.stale().toString());
    }

    private static String kind(Sent s) {
        try {
            return s.json().path("kind").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> urls(Cluster c) {
        return ((List<Map<String, Object>>) c.status().get("peers")).stream().map(p -> (String) p.get("url")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> peer(Cluster c, String url) {
        return ((List<Map<String, Object>>) c.status().get("peers")).stream().filter(p -> p.get("url").equals(url)).findFirst().orElseThrow();
    }
}
