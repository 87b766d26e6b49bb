package dev.vortex.cluster;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Names;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.state.RepoState;
import dev.vortex.state.Snapshot;
import dev.vortex.state.StateStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * This replica among its peers. A push webhook or refresh call received here is {@link #forward}ed
 * to every peer as a signed notice (never delaying the answer: deliveries run on virtual threads);
 * a notice received from a peer triggers the same refresh here and is never forwarded again. Every
 * {@code sync.interval} each replica tells its peers what it serves, so each can say whether it is
 * {@link #stale} and show the skew between replicas.
 */
public final class Cluster implements Reloadable, AutoCloseable {
    private static final Log LOG = Log.of(Cluster.class);
    private static final String HOST = hostName();

    /** Runs a refresh here, as a notice asked. */
    @FunctionalInterface
    public interface LocalTrigger {
        /** @return false when no repository of that name is configured here */
        boolean trigger(String repo, Set<String> wantCommits, Set<String> refs);
    }

    /** The answer to a received notice: HTTP status and JSON body. */
    public record Received(int status, Map<String, Object> body) {
    }

    private final String configuredId;
    private final IntSupplier ownPort;
    private final StateStore state;
    private final LocalTrigger trigger;
    private final Supplier<CommitOrder> order;
    private final InstantSource clock;
    private final Executor sends;
    private final Instant started;
    private final NoticeSignature signature;
    private final PeerDirectory directory;
    private final PeerLinks links;
    private final PeerViews views = new PeerViews();
    private final Metrics.Counter received;
    private final Metrics.Gauge staleGauge;
    private volatile byte[] secret;
    private volatile Duration interval;
    private volatile Duration resyncWait;
    private volatile boolean enabled;
    private Instant lastServes;
    private Thread loop;
    private volatile boolean closed;

    /** Production wiring: real DNS, HTTP to the peers, one virtual thread per delivery. */
    public Cluster(VortexConfig config, StateStore state, LocalTrigger trigger, Supplier<CommitOrder> order, IntSupplier ownPort,
                   Metrics metrics, InstantSource clock) throws IOException {
        this(config, state, trigger, order, ownPort, metrics, clock, PeerDirectory.Resolver.SYSTEM, httpTransport(),
                r -> Thread.ofVirtual().name("vortex-peer-notice").start(r));
    }

    Cluster(VortexConfig config, StateStore state, LocalTrigger trigger, Supplier<CommitOrder> order, IntSupplier ownPort,
            Metrics metrics, InstantSource clock, PeerDirectory.Resolver resolver, PeerLinks.Transport transport, Executor sends)
            throws IOException {
        this.configuredId = config.cluster().replicaId();
        this.ownPort = ownPort;
        this.state = state;
        this.trigger = trigger;
        this.order = order;
        this.clock = clock;
        this.sends = sends;
        this.started = clock.instant();
        this.signature = new NoticeSignature(clock);
        this.directory = new PeerDirectory(settings(config, ownPort), resolver, clock, ownPort);
        Metrics.Counter sent = metrics.counter("vortex_cluster_notices_sent_total", "Peer notice deliveries by result (ok, failed, dropped)", "result");
        this.received = metrics.counter("vortex_cluster_notices_received_total",
                "Peer notices received by result (accepted, unauthorized, replayed, bad_request, not_configured)", "result");
        List.of("ok", "failed", "dropped").forEach(r -> metrics.startAtZero("vortex_cluster_notices_sent_total", r));
        List.of("accepted", "unauthorized", "replayed", "bad_request", "not_configured")
                .forEach(r -> metrics.startAtZero("vortex_cluster_notices_received_total", r));
        this.links = new PeerLinks(transport, body -> signature.sign(secret, body), clock, sent::inc);
        metrics.gauge("vortex_cluster_peers", "Peers this replica tells about pushes", () -> links.status().size());
        metrics.gauge("vortex_cluster_peers_failing", "Peers whose last notice delivery failed",
                () -> links.status().stream().filter(PeerLinks.LinkStatus::failing).count());
        this.staleGauge = metrics.gauge("vortex_repo_stale",
                "1 while a repository is stale but served: no successful sync for 3 intervals, or a peer serves a newer commit for 2", "repo");
        apply(config);
    }

    /** {@code cluster.replica-id}, else this host's name and the bound HTTP port (unique among replicas on one host too). */
    public String replicaId() {
        return configuredId.isEmpty() ? HOST + ":" + ownPort.getAsInt() : configuredId;
    }

    /** {@code cluster.resync-wait} as the last reload set it: how long a resync from a commit not served here yet waits for its fetch. */
    public Duration resyncWait() {
        return resyncWait;
    }

    /** True when this replica has peers and the secret to sign notices to them. */
    public boolean enabled() {
        return enabled;
    }

    /** Starts telling the peers what this replica serves, and delivering notices. */
    public void start() {
        loop = Thread.ofPlatform().name("vortex-cluster").daemon(true).start(() -> {
            while (!closed) {
                try {
                    pump();
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("cluster loop", e);
                }
            }
        });
    }

    /**
     * Tells every peer about a webhook or refresh call received here (hop 1: they do not pass it on).
     * Returns at once; the deliveries run on their own threads.
     */
    public void forward(String repo, Set<String> wantCommits, Set<String> refs, String source) {
        if (!enabled) {
            return;
        }
        List<URI> peers = directory.peers();
        if (peers.isEmpty()) {
            return;
        }
        links.enqueue(peers, Notice.push(replicaId(), clock.instant(), repo, wantCommits, refs, source, served()));
        links.sendDue(sends);
    }

    /** A notice a peer sent: checked (signature, window, replay, hop), then acted on. A refused one changes nothing. */
    public Received receive(Optional<String> timestamp, Optional<String> sig, byte[] body) {
        byte[] key = secret;
        if (key == null) {
            received.inc("not_configured");
            return refused(404, "this replica has no auth.cluster-secret-file: it takes no peer notices");
        }
        Optional<NoticeSignature.Refusal> bad = signature.verify(key, timestamp, sig, body);
        if (bad.isPresent()) {
            received.inc("unauthorized");
            LOG.warn("peer notice refused", "why", bad.get().message());
            return refused(bad.get().status(), bad.get().message());
        }
        Notice n;
        try {
            n = Notice.parse(body);
        } catch (IllegalArgumentException e) {
            received.inc("bad_request");
            return refused(400, e.getMessage());
        }
        if (n.hop() != 1 || n.origin().equals(replicaId())) {
            received.inc("bad_request");
            return refused(400, n.hop() != 1 ? "notice hop must be 1 (notices are never forwarded twice)" : "notice from this replica itself");
        }
        if (!signature.firstTime(n.id())) {
            received.inc("replayed");
            return refused(409, "notice " + Names.printable(n.id()) + " already received");
        }
        received.inc("accepted");
        views.record(n, clock.instant());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("replica", replicaId());
        if (n.kind().equals(Notice.PUSH)) {
            boolean known = trigger.trigger(n.repo(), n.wantCommits(), n.refs());
            LOG.info("peer notice", "origin", n.origin(), "repo", n.repo(), "source", n.source(), "wanted", n.wantCommits().size(),
                    "matched", known);
            answer.put("matched", known ? List.of(n.repo()) : List.of());
        }
        return new Received(202, answer);
    }

    /** One round of the loop: the peers (DNS), a serves notice when one is due, the deliveries due, the stale gauge. */
    void pump() {
        if (enabled) {
            List<URI> peers = directory.peers();
            links.keep(peers);
            Instant now = clock.instant();
            if (!peers.isEmpty() && (lastServes == null || Duration.between(lastServes, now).compareTo(interval) >= 0)) {
                lastServes = now;
                links.enqueue(peers, Notice.serves(replicaId(), now, served()));
            }
            links.sendDue(sends);
        }
        Map<String, List<String>> stale = stale();
        state.snapshot().repos().keySet().forEach(repo -> staleGauge.set(stale.containsKey(repo) ? 1 : 0, repo));
    }

    /**
     * Repositories served but stale, each with why: no successful sync for 3 × {@code sync.interval},
     * or a peer has served a newer commit of one of its labels for 2 × {@code sync.interval}.
     */
    public Map<String, List<String>> stale() {
        Instant now = clock.instant();
        Duration every = interval;
        Snapshot snap = state.snapshot();
        List<PeerViews.View> peers = views.current(now, times(every, 5));
        Map<String, List<String>> stale = new LinkedHashMap<>();
        snap.repos().forEach((repo, rs) -> {
            List<String> why = new ArrayList<>();
            Instant last = rs.status().lastSuccess().orElse(started);
            Duration since = Duration.between(last, now);
            if (since.compareTo(times(every, 3)) > 0) {
                why.add((rs.status().lastSuccess().isPresent() ? "last successful sync " : "no successful sync since start, ")
                        + since.toSeconds() + " s ago (over 3 × sync.interval)");
            }
            for (PeerViews.View v : peers) {
                v.serves().getOrDefault(repo, Map.of()).forEach((label, seen) -> {
                    String ours = rs.commits().get(label);
                    Duration newerFor = Duration.between(seen.since(), now);
                    if (newerFor.compareTo(times(every, 2)) > 0 && !seen.commit().equals(ours)
                            && order.get().relation(repo, seen.commit(), ours).newer()) {
                        why.add("replica " + v.replica() + " serves a newer commit " + seen.commit().substring(0, 12) + " of label "
                                + label + " for " + newerFor.toSeconds() + " s (over 2 × sync.interval)");
                    }
                });
            }
            if (!why.isEmpty()) {
                stale.put(repo, why);
            }
        });
        return stale;
    }

    // not Duration.multipliedBy: it goes through BigDecimal, whose set-up (~20 ms) would fall on the first /ready
    private static Duration times(Duration d, int n) {
        return Duration.ofMillis(Math.multiplyExact(d.toMillis(), n));
    }

    /** {@code GET /api/v1/cluster}: this replica, its peers' links, what each replica serves and the skew. */
    public Map<String, Object> status() {
        Instant now = clock.instant();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replica", replicaId());
        m.put("enabled", enabled);
        m.put("dns_error", directory.dnsError().orElse(null));
        m.put("peers", links.status().stream().map(l -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("url", l.peer().toString());
            p.put("state", l.failing() ? "failing" : l.lastOk().isPresent() ? "ok" : "unknown");
            p.put("last_ok", l.lastOk().map(Instant::toString).orElse(null));
            p.put("last_error", l.lastErrorAt().map(at -> Map.of("time", at.toString(), "message", l.lastError().orElse(""))).orElse(null));
            p.put("failures", l.failures());
            p.put("pending", l.pending());
            p.put("next_retry", l.nextRetry().map(Instant::toString).orElse(null));
            return p;
        }).toList());
        Snapshot snap = state.snapshot();
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (PeerViews.View v : views.current(now, times(interval, 5))) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("replica", v.replica());
            r.put("last_notice", v.lastNotice().toString());
            Map<String, Object> serves = new LinkedHashMap<>();
            v.serves().forEach((repo, labels) -> {
                Map<String, Object> byLabel = new LinkedHashMap<>();
                labels.forEach((label, seen) -> {
                    String ours = snap.repo(repo).map(RepoState::commits).orElse(Map.of()).get(label);
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("commit", seen.commit());
                    x.put("since", seen.since().toString());
                    x.put("relation", order.get().relation(repo, seen.commit(), ours).name().toLowerCase(java.util.Locale.ROOT));
                    byLabel.put(label, x);
                });
                serves.put(repo, byLabel);
            });
            r.put("serves", serves);
            replicas.add(r);
        }
        m.put("replicas", replicas);
        m.put("serves", served());
        m.put("stale", stale());
        return m;
    }

    @Override
    public void reload(VortexConfig next, ConfigDiff diff) throws IOException {
        if (diff.touches("cluster.", "auth.cluster-secret-file", "sync.interval")) {
            directory.reconfigure(settings(next, ownPort));
            apply(next);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
        }
    }

    /** The secret, the interval and whether the cluster is on, from {@code config} (the peers are the directory's). */
    private void apply(VortexConfig config) throws IOException {
        VortexConfig.Cluster c = config.cluster();
        byte[] key = null;
        if (c.secretFile().isPresent()) {
            key = Files.readString(c.secretFile().get(), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        }
        this.secret = key;
        this.interval = config.sync().interval();
        this.resyncWait = c.resyncWait();
        this.enabled = key != null && c.enabled();
    }

    private static PeerDirectory.Settings settings(VortexConfig config, IntSupplier ownPort) {
        VortexConfig.Cluster c = config.cluster();
        String scheme = config.tls().certFile().isPresent() ? "https" : "http";
        return new PeerDirectory.Settings(c.peers(), c.peersDns(), c.peersDnsPort() == 0 ? ownPort.getAsInt() : c.peersDnsPort(), scheme);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private Map<String, Map<String, String>> served() {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        state.snapshot().repos().forEach((repo, rs) -> m.put(repo, rs.commits()));
        return m;
    }

    private static Received refused(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("message", message);
        return new Received(status, body);
    }

    private static PeerLinks.Transport httpTransport() {
        return (peer, headers, body) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(peer.resolve("/api/v1/cluster/notice")).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            return PeerClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        };
    }

    /**
     * The client of the peer notices, made when the first is sent (class initialisation is lazy):
     * building an HttpClient took about 40 % of the start's main thread, and a replica without
     * peers never sends one.
     */
    private static final class PeerClient {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }
}
