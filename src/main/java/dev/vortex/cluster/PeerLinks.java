package dev.vortex.cluster;

import dev.vortex.ops.Log;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Delivery of notices to the peers. A push notice is sent to every peer at once and, to a peer that
 * did not take it, again after 1 s, 2 s, 4 s … at most {@link #MAX_RETRY} apart, until
 * {@link #GIVE_UP} after it was made (by then the peer's own timer has fetched). A serves notice is
 * not retried: the next one replaces it. Each peer's link remembers its last success and failure.
 */
final class PeerLinks {
    private static final Log LOG = Log.of(PeerLinks.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    static final Duration GIVE_UP = Duration.ofMinutes(5);

    /** Sends one signed notice; answers the HTTP status. A seam for tests. */
    @FunctionalInterface
    interface Transport {
        int send(URI peer, Map<String, String> headers, byte[] body) throws IOException, InterruptedException;
    }

    /** One notice on its way to one peer. */
    record Delivery(URI peer, Notice notice, int attempt, Instant due) {
    }

    /** What one peer's link looks like now. */
    record LinkStatus(URI peer, Optional<Instant> lastOk, Optional<Instant> lastErrorAt, Optional<String> lastError,
                      int failures, int pending, Optional<Instant> nextRetry) {
        boolean failing() {
            return failures > 0;
        }
    }

    /** What happened to deliveries, for the metric. */
    interface Outcome {
        void count(String result);
    }

    private final Transport transport;
    private final Function<byte[], Map<String, String>> signer;
    private final InstantSource clock;
    private final Outcome outcome;
    private final Map<URI, Link> links = new LinkedHashMap<>();
    private final List<Delivery> pending = new ArrayList<>();

    PeerLinks(Transport transport, Function<byte[], Map<String, String>> signer, InstantSource clock, Outcome outcome) {
        this.transport = transport;
        this.signer = signer;
        this.clock = clock;
        this.outcome = outcome;
    }

    /** Keeps links and pending deliveries of {@code peers} only (the directory changed). */
    synchronized void keep(List<URI> peers) {
        links.keySet().retainAll(peers);
        peers.forEach(p -> links.computeIfAbsent(p, Link::new));
        pending.removeIf(d -> !peers.contains(d.peer()));
    }

    /** Queues {@code notice} for every peer, due now. */
    synchronized void enqueue(List<URI> peers, Notice notice) {
        Instant now = clock.instant();
        keep(peers);
        peers.forEach(p -> pending.add(new Delivery(p, notice, 0, now)));
    }

    /** Takes the deliveries due now and starts each on {@code sends}. */
    void sendDue(Executor sends) {
        List<Delivery> due = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (Iterator<Delivery> it = pending.iterator(); it.hasNext(); ) {
                Delivery d = it.next();
                if (!d.due().isAfter(now)) {
                    due.add(d);
                    it.remove();
                }
            }
        }
        due.forEach(d -> sends.execute(() -> attempt(d)));
    }

    /** When the next delivery is due, if any. */
    synchronized Optional<Instant> nextDue() {
        return pending.stream().map(Delivery::due).min(Instant::compareTo);
    }

    synchronized List<LinkStatus> status() {
        List<LinkStatus> all = new ArrayList<>();
        links.values().forEach(l -> {
            int waiting = (int) pending.stream().filter(d -> d.peer().equals(l.peer)).count();
            Optional<Instant> next = pending.stream().filter(d -> d.peer().equals(l.peer)).map(Delivery::due).min(Instant::compareTo);
            all.add(new LinkStatus(l.peer, Optional.ofNullable(l.lastOk), Optional.ofNullable(l.lastErrorAt),
                    Optional.ofNullable(l.lastError), l.failures, waiting, next));
        });
        return all;
    }

    private void attempt(Delivery d) {
        byte[] body = d.notice().toJson();
        String error;
        try {
            int status = transport.send(d.peer(), signer.apply(body), body);
            // 409: the peer already has this notice (an earlier attempt arrived after all)
            if (status / 100 == 2 || status == 409) {
                delivered(d);
                return;
            }
            error = "answered HTTP " + status;
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        failed(d, error);
    }

    private synchronized void delivered(Delivery d) {
        Link l = links.computeIfAbsent(d.peer(), Link::new);
        if (l.failures > 0) {
            LOG.info("peer reachable again", "peer", d.peer(), "failures", l.failures);
        }
        l.lastOk = clock.instant();
        l.failures = 0;
        outcome.count("ok");
    }

    private synchronized void failed(Delivery d, String error) {
        Instant now = clock.instant();
        Link l = links.get(d.peer());
        if (l == null) {
            return; // no longer a peer
        }
        l.failures++;
        l.lastErrorAt = now;
        l.lastError = error;
        outcome.count("failed");
        if (!d.notice().kind().equals(Notice.PUSH)) {
            return;
        }
        int next = d.attempt() + 1;
        Duration wait = backoff(next);
        if (Duration.between(d.notice().sent(), now.plus(wait)).compareTo(GIVE_UP) > 0) {
            LOG.warn("peer notice given up", "peer", d.peer(), "notice", d.notice().id(), "repo", d.notice().repo(), "error", error);
            outcome.count("dropped");
            return;
        }
        LOG.warn("peer notice not delivered; retrying", "peer", d.peer(), "repo", d.notice().repo(), "attempt", next,
                "retry_in_ms", wait.toMillis(), "error", error);
        pending.add(new Delivery(d.peer(), d.notice(), next, now.plus(wait)));
    }

    /** 1 s, 2 s, 4 s … at most {@link #MAX_RETRY}, for the {@code n}-th retry (1-based). */
    static Duration backoff(int n) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(n - 1, 20));
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    private static final class Link {
        final URI peer;
        Instant lastOk;
        Instant lastErrorAt;
        String lastError;
        int failures;

        Link(URI peer) {
            this.peer = peer;
        }
    }
}
