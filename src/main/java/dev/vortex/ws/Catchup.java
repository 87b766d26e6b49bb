package dev.vortex.ws;

import dev.vortex.render.JsonPatch;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Never backwards (hub thread only). A client that resyncs (or subscribes) from a commit this
 * replica does not serve yet — another replica behind the load balancer served it — is held: it
 * gets nothing for that subscription while this replica fetches; once the commit or a descendant is
 * what the subscription serves it gets one diff from its own commit. A commit still unknown after
 * the fetch (or the wait ran out), or no longer in the label's history (a force-push), gets a fresh
 * snapshot marked {@code "reset": true}. A commit known but not served yet keeps the subscription
 * held until it is: answering with an older commit would move the client backwards. No hold lasts
 * longer than the feed's {@link ConfigFeed#holdBound() bound} (2 × {@code sync.interval}): past it
 * the client gets the reset snapshot, as for a commit that is gone ({@link #expire}, on every heartbeat).
 */
final class Catchup {
    private final GuardedFeed feed;
    private final Delivery out;
    private final Subscriptions subs;
    private final Consumer<Runnable> onHub;
    private final InstantSource clock;
    private final Supplier<Duration> bound;
    private final Map<Session, Map<Target, Hold>> held = new HashMap<>();

    /** The commit a held client is at, and since when it is held. */
    private record Hold(String version, Instant since) {
    }

    /**
     * @param onHub runs a task on the hub thread (the fetch completes on another one)
     * @param bound how long a client is held at most
     */
    Catchup(GuardedFeed feed, Delivery out, Subscriptions subs, Consumer<Runnable> onHub, InstantSource clock, Supplier<Duration> bound) {
        this.feed = feed;
        this.out = out;
        this.subs = subs;
        this.onHub = onHub;
        this.clock = clock;
        this.bound = bound;
    }

    /** Answers a client at {@code lastVersion} (not the channel's version): a diff when it is behind, else holds it and fetches. */
    void resync(Session s, Channel c, String lastVersion) {
        switch (feed.lineage(c.target, lastVersion, c.version)) {
            case SAME -> forget(s, c.target);
            case BEHIND -> {
                forget(s, c.target);
                diffOrSnapshot(s, c, lastVersion);
            }
            case AHEAD, DIVERGED, UNKNOWN -> {
                held.computeIfAbsent(s, k -> new HashMap<>()).put(c.target, new Hold(lastVersion, clock.instant()));
                Target t = c.target;
                feed.fetch(t).whenComplete((done, error) -> onHub.accept(() -> settle(s, t, lastVersion)));
            }
        }
    }

    /** The subscribers of {@code c} that take its shared frames: every one not held. */
    List<Session> unheld(Channel c) {
        List<Session> to = new ArrayList<>(c.subscribers.size());
        for (Session s : c.subscribers) {
            if (heldAt(s, c.target) == null) {
                to.add(s);
            }
        }
        return to;
    }

    /** Whether a session is held on {@code t} (its shared frames are not for it). */
    java.util.function.Predicate<Session> held(Target t) {
        return s -> heldAt(s, t) != null;
    }

    /** The channel moved: each held subscriber now at or behind it gets its own diff (or nothing when it is there). */
    void advanced(Channel c) {
        for (Session s : c.subscribers) {
            String at = heldAt(s, c.target);
            if (at == null) {
                continue;
            }
            switch (feed.lineage(c.target, at, c.version)) {
                case SAME -> forget(s, c.target);
                case BEHIND -> {
                    forget(s, c.target);
                    diffOrSnapshot(s, c, at);
                }
                case DIVERGED -> reset(s, c); // the label was force-pushed away from the client's commit
                case AHEAD, UNKNOWN -> { } // still older here: wait
            }
        }
    }

    void forget(Session s) {
        held.remove(s);
    }

    /** Every client held for the bound or longer gets a reset snapshot: the commit it holds did not arrive here in time. */
    void expire() {
        Instant cutoff = clock.instant().minus(bound.get());
        List<Map.Entry<Session, Target>> due = new ArrayList<>();
        held.forEach((s, m) -> m.forEach((t, h) -> {
            if (!h.since().isAfter(cutoff)) {
                due.add(Map.entry(s, t));
            }
        }));
        for (Map.Entry<Session, Target> d : due) {
            Session s = d.getKey();
            Channel c = subs.existing(d.getValue());
            if (s.isClosed() || c == null || !c.subscribers.contains(s)) {
                forget(s, d.getValue());
            } else {
                reset(s, c);
            }
        }
    }

    private void settle(Session s, Target t, String lastVersion) {
        if (s.isClosed() || !lastVersion.equals(heldAt(s, t))) {
            return;
        }
        Channel c = subs.existing(t);
        if (c == null || !c.subscribers.contains(s)) {
            forget(s, t);
            return;
        }
        if (c.pending()) {
            return; // a snapshot follows when it renders; held until then
        }
        String served = feed.current(t).map(Versioned::commit).orElse(c.version);
        switch (feed.lineage(t, lastVersion, served)) {
            case SAME, BEHIND -> {
                if (served.equals(c.version)) {
                    advanced(c);
                } // else the channel's next move releases it (a change event on its way, or a commit that changed nothing here)
            }
            case AHEAD -> { } // known but not served yet: held, never answered with an older commit
            case DIVERGED, UNKNOWN -> reset(s, c); // still unknown after the fetch, or force-pushed away
        }
    }

    private void reset(Session s, Channel c) {
        forget(s, c.target);
        out.resetSnapshot(s, c);
    }

    private void diffOrSnapshot(Session s, Channel c, String from) {
        Optional<Map<String, Object>> then = feed.at(c.target, from);
        if (then.isPresent()) {
            // sent even when empty: it moves the client to the version later diffs chain from
            out.send(s, out.messages.change(c.target, from, c.version, JsonPatch.diff(then.get(), c.config)));
        } else {
            out.snapshot(s, c);
        }
    }

    private String heldAt(Session s, Target t) {
        Map<Target, Hold> m = held.get(s);
        Hold h = m == null ? null : m.get(t);
        return h == null ? null : h.version();
    }

    private void forget(Session s, Target t) {
        Map<Target, Hold> m = held.get(s);
        if (m != null) {
            m.remove(t);
            if (m.isEmpty()) {
                held.remove(s);
            }
        }
    }
}
