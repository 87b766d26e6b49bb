package dev.vortex.ws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What the hub sends, built into frames and handed to the {@link Outbox} (hub thread only), with
 * flow control for what the server itself makes in bursts: snapshots of a large subscription and
 * the changes of a commit that touches thousands of targets. A session whose outbound queue is at
 * its pacing mark (half its bound, {@link Outbox#busy}) is <em>behind</em>: what it is owed waits
 * here and goes out batch by batch as its queue drains ({@link #drain}, called every few
 * milliseconds from the moment a session falls behind until none is), so a large subscription is paced by the client's
 * reading speed and never overflows the queue (1013) on a burst the server made.
 *
 * <p>What waits is bounded without holding thousands of frames: a snapshot waits as its channel
 * (sent as the channel is when its turn comes), and a diff for a channel whose subscriber is
 * behind becomes a snapshot of that channel (the client ends at the same configuration, and diffs
 * chain from it again). Changes to a changes-only subscription cannot be replaced by snapshots:
 * they wait as their parts ({@link PendingChange}, framed when sent), up to about
 * {@link Outbox#backlogBytes()} of frames; a client that lets more pile up is too slow and closed
 * 1013, as before — and so is one that takes nothing of its backlog for {@link Outbox#stallNanos()}
 * (a reader that stopped reading is closed, one that reads is paced).
 */
final class Delivery {

    /** Where the hub's frames go; implemented by the server over the sessions' bounded queues. */
    interface Outbox {
        void send(Session s, Frame f);

        void sendAll(Collection<Session> sessions, Frame f);

        /** Sends one error and closes the session with {@code closeCode} (a refused connect). */
        void refuse(Session s, int closeCode, String reason, String errorCode, String message);

        /** True when the session's queue is at its pacing mark: hold further bursts back. */
        boolean busy(Session s);

        /** How many bytes of changes-only frames may wait for one session. */
        long backlogBytes();

        /** How long a session that is behind may take nothing before it is closed as too slow. */
        long stallNanos();

        /** Closes a session that let its backlog pass {@link #backlogBytes()}, or stalled (1013). */
        void tooSlow(Session s);
    }

    /** What one session that is behind is owed, in order: changes-only changes first, then snapshots. */
    private static final class Backlog {
        final ArrayDeque<PendingChange> changes = new ArrayDeque<>();
        final LinkedHashSet<Channel> snapshots = new LinkedHashSet<>();
        long bytes;
        long progressNanos = System.nanoTime();

        boolean isEmpty() {
            return changes.isEmpty() && snapshots.isEmpty();
        }
    }

    final Messages messages;
    private final Outbox out;
    private final Runnable fellBehind;
    private final Map<Session, Backlog> behind = new LinkedHashMap<>();
    private volatile boolean anyBehind;

    /** {@code fellBehind}: told when a session falls behind while none was (the pacing starts then). */
    Delivery(Messages messages, Outbox out, Runnable fellBehind) {
        this.messages = messages;
        this.out = out;
        this.fellBehind = fellBehind;
    }

    /** A snapshot of the channel now, or when the session's queue has room; nothing while the channel is pending. */
    void snapshot(Session s, Channel c) {
        if (c.pending()) {
            return;
        }
        Backlog b = behind.get(s);
        if (b == null && !out.busy(s)) {
            out.send(s, snapshotFrame(c));
        } else {
            backlog(s).snapshots.add(c);
        }
    }

    /**
     * A diff of channel {@code c} to its subscribers. One still owed a snapshot of {@code c} gets
     * nothing (the snapshot, taken when sent, already holds the change); one whose queue is at its
     * mark gets a snapshot of {@code c} later instead.
     */
    void change(Channel c, Frame f) {
        change(c, f, s -> false);
    }

    /** {@link #change(Channel, Frame)} but not to the subscribers {@code skip} names (held by {@link Catchup}). */
    void change(Channel c, Frame f, java.util.function.Predicate<Session> skip) {
        List<Session> now = new ArrayList<>(c.subscribers.size());
        for (Session s : c.subscribers) {
            if (skip.test(s)) {
                continue;
            }
            Backlog b = behind.get(s);
            if (b != null && b.snapshots.contains(c)) {
                continue;
            }
            if (out.busy(s)) {
                backlog(s).snapshots.add(c);
            } else {
                now.add(s);
            }
        }
        out.sendAll(now, f);
    }

    /**
     * A change to changes-only subscriptions: to each in order, after what the session is already owed.
     * Framed once for the sessions that take it now; one that is behind holds it as its parts.
     */
    void paced(Collection<Session> sessions, PendingChange c) {
        for (Session s : sessions) {
            Backlog b = behind.get(s);
            if ((b == null || b.changes.isEmpty()) && !out.busy(s)) {
                out.send(s, c.frame(messages));
                continue;
            }
            b = backlog(s);
            b.changes.add(c);
            b.bytes += c.bytes();
            if (b.bytes > out.backlogBytes()) {
                forget(s);
                out.tooSlow(s);
            }
        }
    }

    /** True while some session is owed something (read from the pacing thread). */
    boolean anyBehind() {
        return anyBehind;
    }

    /** Sends every session that is behind what fits below its mark now. */
    void drain() {
        for (Iterator<Map.Entry<Session, Backlog>> it = behind.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Session, Backlog> e = it.next();
            Session s = e.getKey();
            Backlog b = e.getValue();
            long now = System.nanoTime();
            if (!s.isClosed() && !b.isEmpty() && out.busy(s)) {
                if (now - b.progressNanos > out.stallNanos()) {
                    it.remove();
                    out.tooSlow(s);
                }
                continue;
            }
            b.progressNanos = now;
            while (!s.isClosed() && !b.isEmpty() && !out.busy(s)) {
                if (!b.changes.isEmpty()) {
                    PendingChange c = b.changes.poll();
                    b.bytes -= c.bytes();
                    out.send(s, c.frame(messages));
                } else {
                    Iterator<Channel> next = b.snapshots.iterator();
                    Channel c = next.next();
                    next.remove();
                    if (c.subscribers.contains(s) && !c.pending()) {
                        out.send(s, snapshotFrame(c));
                    }
                }
            }
            if (s.isClosed() || b.isEmpty()) {
                it.remove();
            }
        }
        anyBehind = !behind.isEmpty();
    }

    /** The session closed: nothing more is owed to it. */
    void forget(Session s) {
        behind.remove(s);
        anyBehind = !behind.isEmpty();
    }

    private Backlog backlog(Session s) {
        if (!anyBehind) {
            anyBehind = true;
            fellBehind.run();
        }
        return behind.computeIfAbsent(s, k -> new Backlog());
    }

    private Frame snapshotFrame(Channel c) {
        return messages.snapshot(c.target, c.version, c.configJson());
    }

    /** A snapshot that replaces whatever the client holds: its commit is unknown here or no longer in the label's history. */
    void resetSnapshot(Session s, Channel c) {
        if (!c.pending()) {
            out.send(s, messages.resetSnapshot(c.target, c.version, c.configJson()));
        }
    }

    void send(Session s, Frame f) {
        out.send(s, f);
    }

    void sendAll(Collection<Session> to, Frame f) {
        out.sendAll(to, f);
    }

    void refuse(Session s, int closeCode, String reason, String errorCode, String message) {
        out.refuse(s, closeCode, reason, errorCode, message);
    }

    void error(Session s, String code, String message) {
        out.send(s, messages.error(code, message));
    }

    // said before any lookup, so it tells nothing about whether the application exists
    void forbidden(Session s, String app) {
        error(s, "FORBIDDEN", "principal '" + s.principal.name() + "' may not watch application '" + app + "'");
    }
}
