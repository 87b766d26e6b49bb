package dev.vortex.ws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vortex.ops.BackgroundPriority;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.PushTimeline;
import dev.vortex.render.JsonPatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * Subscriptions and fan-out. All state lives on one thread (the executor given), so a change,
 * a subscribe and a close never race, and every session sees its messages in one order.
 *
 * <p>Client requests are {@link ClientRequests}'; who holds what is {@link Subscriptions}'. The
 * hub itself fans changes out: a change renders each affected {@link Channel} once, diffs and
 * serializes once, and hands the same frame to every subscriber.
 *
 * <p>A change re-renders only the channels of the applications whose files it changed (all of
 * them when a file every application reads changed), in parallel on virtual threads, in batches
 * whose messages go out while the next batch renders; changes-only subscriptions get theirs from
 * {@link ChangesOnly}, from what the channels rendered where they can. What the server sends in bursts is paced per
 * session by {@link Delivery}: a pacing thread asks the hub to {@link Delivery#drain} every
 * {@link #PACE_MILLIS} ms from the moment a session falls behind until none is (an idle hub does
 * not tick).
 *
 * <p>A channel whose target reads a file that does not parse, with no good commit to fall back
 * to, is pending: its subscribers get nothing until a commit that parses arrives, then a snapshot.
 */
final class Hub {
    private static final Log LOG = Log.of(Hub.class);
    static final long PACE_MILLIS = 2;
    /** Channels rendered and handed out at a time in a change (see {@link #batch}). */
    static final int BATCH = 256;

    /** What the hub is built from; {@code thread} is the one executor every task runs on. */
    record Parts(ConfigFeed feed, Messages messages, Delivery.Outbox outbox, Executor thread, int maxSubscriptions, Metrics metrics,
                 java.time.InstantSource clock) {
    }

    private final GuardedFeed feed;
    private final Delivery out;
    private final Executor thread;
    private final Subscriptions subs;
    private final Catchup catchup;
    private final ClientRequests requests;
    private final ChangesOnly changesOnly;
    private final ScheduledExecutorService pacer =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("vortex-ws-pacer").daemon(true).unstarted(r));
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicBoolean pacing = new AtomicBoolean();
    private volatile int maxSubscriptions;
    private final Metrics.Histogram fanout;

    Hub(Parts parts) {
        this.feed = new GuardedFeed(parts.feed());
        this.out = new Delivery(parts.messages(), parts.outbox(), this::startPacing);
        this.thread = parts.thread();
        this.maxSubscriptions = parts.maxSubscriptions();
        this.subs = new Subscriptions(feed, out);
        this.catchup = new Catchup(feed, out, subs, task -> run("catch up", task), parts.clock(), parts.feed()::holdBound);
        this.requests = new ClientRequests(feed, subs, out, catchup, () -> maxSubscriptions, task -> run("first sync", task));
        this.changesOnly = new ChangesOnly(feed, subs, out);
        this.fanout = parts.metrics().histogram("vortex_ws_fanout_duration_seconds",
                "From a change event to the last config_change handed to a session queue.", Metrics.latencyBuckets());
    }

    /** (session, target) pairs currently subscribed, for the gauge. */
    int subscriptions() {
        return subs.count();
    }

    // ---- entry points: each hops onto the hub thread ----

    void opened(Session s, TargetPattern initial, String text) {
        run("open", () -> requests.open(s, initial, text));
    }

    void received(Session s, Inbound m) {
        run("message", () -> requests.handle(s, m));
    }

    void closed(Session s) {
        run("close", () -> {
            subs.remove(s);
            out.forget(s);
            catchup.forget(s);
        });
    }

    /** {@code repo}'s {@code label} moved from {@code oldCommit} to {@code newCommit} (either null: it started or stopped being served). */
    void changed(String repo, String label, String oldCommit, String newCommit, long startNanos) {
        run("change", () -> change(repo, label, oldCommit, newCommit, startNanos));
    }

    /** Clients held by {@link Catchup} past its bound get their reset snapshot (called on every heartbeat). */
    void expireHolds() {
        run("catch up bound", catchup::expire);
    }

    void stop() {
        pacer.shutdownNow();
    }

    // on the hub thread, when a session falls behind while none was
    private void startPacing() {
        if (pacing.compareAndSet(false, true)) {
            paceLater();
        }
    }

    // on the pacing thread: one drain task at a time, again every PACE_MILLIS while some session is behind
    private void pace() {
        if (!out.anyBehind()) {
            pacing.set(false);
            if (!out.anyBehind()) {
                return;
            }
            // a session fell behind between the two reads and found the pacing still on: carry on
            if (!pacing.compareAndSet(false, true)) {
                return;
            }
        }
        if (drainQueued.compareAndSet(false, true)) {
            run("drain", () -> {
                drainQueued.set(false);
                out.drain();
            });
        }
        paceLater();
    }

    private void paceLater() {
        try {
            pacer.schedule(this::pace, PACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the hub is stopping: nothing more is paced
        }
    }

    /** The feed now serves another set of repositories (a configuration reload); {@code reason} goes to dropped subscribers. */
    void reconfigured(String reason) {
        run("reconfigure", () -> reconfigure(reason));
    }

    void maxSubscriptions(int max) {
        maxSubscriptions = max;
    }

    private void run(String what, Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("ws hub failed handling " + what, e);
                } finally {
                    subs.dropUnjoined();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("ws hub stopped, dropped " + what);
        }
    }

    // ---- hub thread ----

    private void change(String repo, String label, String oldCommit, String newCommit, long startNanos) {
        PushTimeline.mark(repo, "hub change");
        // patterns are matched against every target again only when the change can have made new ones
        // (a file added or removed, a profile named): at 20,000 targets that is most of a small change's cost
        boolean grow = !feed.sameTargets(repo, label, oldCommit, newCommit);
        if (subs.none()) {
            if (grow) {
                subs.growGlobs(); // nobody listens to a served target: nothing to render, only patterns may grow
            }
            return;
        }
        Optional<Set<String>> touched = feed.touched(repo, label, oldCommit, newCommit);
        List<Channel> affected = new ArrayList<>();
        for (Channel c : subs.channels()) {
            if (c.subscribers.isEmpty()) {
                continue;
            }
            if (touched.map(apps -> apps.contains(c.target.app())).orElse(true)) {
                if (feed.affects(repo, label, c.target)) {
                    affected.add(c);
                }
            } else if (oldCommit != null && oldCommit.equals(c.configAt) && c.target.label().equals(label)) {
                // no file it reads changed: what it holds is its configuration at the new commit too (a commit
                // id names the content, so the repository need not be looked up for each of 20,000 channels)
                c.configAt = newCommit;
            }
        }
        affected = byApplication(affected);
        if (affected.size() > BATCH) {
            // a large change keeps the JIT busy compiling what it runs: from the first one on, C2 compiles
            // when serving leaves a core (aside: the hub does not wait for it; once lowered, left as it is)
            Thread.ofVirtual().name("vortex-jit-priority").start(BackgroundPriority::lowerJitCompiler);
        }
        ChangesOnly.Plan watched = changesOnly.plan(repo, label, oldCommit, newCommit, touched);
        int sent = 0;
        for (int from = 0; from < affected.size(); from += BATCH) {
            sent += batch(affected.subList(from, Math.min(affected.size(), from + BATCH)), oldCommit, watched);
        }
        PushTimeline.mark(repo, "rendered");
        sent += watched.sendRest();
        PushTimeline.mark(repo, "diffed and enqueued");
        if (grow) {
            subs.growGlobs();
        }
        if (sent > 0) {
            fanout.observeSince(startNanos);
        }
    }

    /**
     * The channels with each application's targets side by side (applications in the order their first
     * channel came): they read the same files, so rendering the second finds them among the parse cache's
     * last lookups. Grouped in one pass: sorting 20,000 channels by name took a fifth of the hub's work
     * before the first render of a large change.
     */
    private static List<Channel> byApplication(List<Channel> channels) {
        Map<String, List<Channel>> byApp = new LinkedHashMap<>();
        for (Channel c : channels) {
            byApp.computeIfAbsent(c.target.app(), app -> new ArrayList<>(2)).add(c);
        }
        List<Channel> grouped = new ArrayList<>(channels.size());
        byApp.values().forEach(grouped::addAll);
        return grouped;
    }

    /**
     * Renders a batch of channels (rendered, diffed and serialized on the render threads, with the
     * changes-only subscribers' changes of the same targets in the same pass), hands their frames out;
     * then sends sessions that are behind what their queues take now — the pacing's drain cannot run
     * while this task holds the hub thread, and so the first frames are read while the next batch
     * renders. The hub thread waits while the batch renders: rendering on every core at once would
     * leave none to serving. Returns how many targets changed.
     */
    private int batch(List<Channel> channels, String oldCommit, ChangesOnly.Plan watched) {
        // who is owed what is the hub thread's: read here, before the render threads start
        boolean[] owed = new boolean[channels.size()];
        for (int i = 0; i < owed.length; i++) {
            owed[i] = watched.owes(channels.get(i).target);
        }
        List<Fresh> now = Parallel.map(IntStream.range(0, channels.size()).boxed().toList(),
                i -> fresh(channels.get(i), owed[i] ? oldCommit : null, watched));
        List<Target> targets = new ArrayList<>();
        List<PendingChange> changes = new ArrayList<>();
        int sent = 0;
        for (int i = 0; i < now.size(); i++) {
            Channel c = channels.get(i);
            Fresh f = now.get(i);
            if (advance(c, f)) {
                sent++;
            }
            if (f.watched()) {
                targets.add(c.target);
                changes.add(f.watchedChange());
            }
        }
        sent += watched.send(targets, changes);
        if (out.anyBehind()) {
            out.drain();
        }
        return sent;
    }

    /**
     * A channel's target rendered now, and the change frame (null when nothing effective changed, or
     * the channel is pending); {@code watched} when changes-only subscribers' change was built from it
     * ({@code watchedChange}, null when their target changed nothing). No diff tree: a batch holds every
     * target's result until all are rendered, and what lives that long is copied by young collections.
     */
    private record Fresh(Optional<Versioned> now, Frame frame, boolean watched, PendingChange watchedChange) {
    }

    /** {@link Fresh} before the changes-only change was built: with the diff to {@code now}, and as JSON. */
    private record Diffed(Optional<Versioned> now, ArrayNode diff, byte[] diffJson, Frame frame) {
        Fresh fresh() {
            return new Fresh(now, frame, false, null);
        }
    }

    /**
     * On a render thread, while the hub thread waits: reads the channel, never changes it. With
     * {@code oldCommit} (changes-only subscribers are owed the target) and the channel holding its
     * configuration at that commit, also their change from what the channel held and holds.
     */
    private Fresh fresh(Channel c, String oldCommit, ChangesOnly.Plan watched) {
        Diffed d = diffed(c, feed.current(c.target));
        if (oldCommit == null || !oldCommit.equals(c.configAt) || d.now().isEmpty()) {
            return d.fresh();
        }
        PendingChange theirs = watched.change(c.target, new ChangesOnly.Rendered(c.config, d.now().get(), d.diff(), d.diffJson()));
        return new Fresh(d.now(), d.frame(), true, theirs);
    }

    private Diffed diffed(Channel c, Optional<Versioned> now) {
        if (now.isEmpty() || c.pending() || now.get().commit().equals(c.version)) {
            return new Diffed(now, null, null, null);
        }
        ArrayNode diff = JsonPatch.diff(c.config, now.get().config());
        if (diff.isEmpty()) {
            return new Diffed(now, diff, null, null);
        }
        byte[] json = Messages.diffJson(diff);
        return new Diffed(now, diff, json, out.messages.change(c.target, c.version, now.get().commit(), json, null));
    }

    /**
     * Sends the channel's subscribers a diff to {@code now} when it changed anything (a snapshot when the
     * channel was pending); true when sent. Empty {@code now}: unknown, or held back by a file that does not parse.
     */
    private boolean advance(Channel c, Fresh fresh) {
        Optional<Versioned> now = fresh.now();
        if (now.isEmpty() || now.get().commit().equals(c.version)) {
            return false;
        }
        // a subscriber holding a newer commit than this channel's (from another replica) is caught up on its own
        if (c.pending()) {
            List<Session> to = catchup.unheld(c);
            c.moveTo(now.get());
            for (Session s : to) {
                out.snapshot(s, c);
            }
            catchup.advanced(c);
            return true;
        }
        if (fresh.frame() == null) {
            c.configAt = now.get().commit();
            return false; // nothing effective changed: keep the last sent version so diffs keep chaining
        }
        c.moveTo(now.get());
        out.change(c, fresh.frame(), catchup.held(c.target));
        catchup.advanced(c);
        return true;
    }

    /**
     * Every subscribed target is checked against the reconfigured feed: one no repository serves
     * (or whose label is no longer known) gets a final {@code NOT_SERVED} error and is dropped from
     * its sessions, which stay open; one now served by other settings or another repository gets
     * a diff to what it is served now.
     */
    private void reconfigure(String reason) {
        List<Channel> gone = new ArrayList<>();
        for (Channel c : subs.channels()) {
            if (c.subscribers.isEmpty()) {
                continue;
            }
            Optional<Versioned> now = feed.defaultLabel(c.target.app(), c.target.profile()).isPresent() ? feed.current(c.target) : Optional.empty();
            if (now.isPresent()) {
                if (!advance(c, diffed(c, now).fresh()) && now.get().commit().equals(c.version) && !now.get().config().equals(c.config)) {
                    // same commit, other values (the overrides or the encrypt key changed): a diff needs a
                    // new version to chain from, so every subscriber gets the whole configuration again
                    c.moveTo(now.get());
                    for (Session s : c.subscribers) {
                        out.snapshot(s, c);
                    }
                }
                continue;
            }
            gone.add(c);
            out.sendAll(c.subscribers, out.messages.error("NOT_SERVED", "application '" + c.target.app() + "' label '"
                    + c.target.label() + "' is no longer served (" + reason + "); subscription dropped"));
        }
        subs.drop(gone);
        subs.growGlobs();
    }
}
