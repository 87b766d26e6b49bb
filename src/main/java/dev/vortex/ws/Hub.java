package dev.vortex.ws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vortex.config.Patterns;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.render.JsonPatch;
import dev.vortex.render.RenderException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Subscriptions and fan-out. All state lives on one thread (the executor given), so a change,
 * a subscribe and a close never race, and every session sees its messages in one order.
 *
 * <p>A {@link Channel} per distinct subscribed target holds the version and configuration last
 * sent to its subscribers: a change renders each affected channel once, diffs and serializes
 * once, and hands the same frame to every subscriber; diffs chain exactly because every
 * subscriber of a channel received the same snapshot-then-diffs sequence from it. An
 * {@link Entry} per distinct pattern remembers which targets it matched, so targets that become
 * servable later (a new application, a new tracked branch) reach its sessions as snapshots.
 *
 * <p>A channel whose target reads a file that does not parse, with no good commit to fall back
 * to, is pending: its subscribers get nothing until a commit that parses arrives, then a snapshot.
 */
final class Hub {
    private static final Log LOG = Log.of(Hub.class);

    /** Where the hub's messages go; implemented by the server over the sessions' queues. */
    interface Outbox {
        void send(Session s, Frame f);

        void sendAll(Collection<Session> sessions, Frame f);

        /** Sends one error and closes the session with {@code closeCode} (a refused connect). */
        void refuse(Session s, int closeCode, String reason, String errorCode, String message);
    }

    /** The version and configuration last sent to every subscriber of one target; both null while pending. */
    static final class Channel {
        final Target target;
        final Set<Session> subscribers = new HashSet<>();
        String version;
        Map<String, Object> config;
        private String configJson;

        Channel(Target target, Versioned v) {
            this.target = target;
            if (v != null) {
                moveTo(v);
            }
        }

        boolean pending() {
            return version == null;
        }

        String configJson() {
            if (configJson == null) {
                configJson = Messages.configJson(config);
            }
            return configJson;
        }

        void moveTo(Versioned v) {
            version = v.commit();
            config = v.config();
            configJson = null;
        }
    }

    /** One distinct pattern: the targets it matched so far and the sessions holding it. */
    static final class Entry {
        final TargetPattern pattern;
        final Set<Target> matched = new LinkedHashSet<>();
        final Set<Session> sessions = new HashSet<>();

        Entry(TargetPattern pattern, Collection<Target> matched) {
            this.pattern = pattern;
            this.matched.addAll(matched);
        }
    }

    private final ConfigFeed feed;
    private final Messages messages;
    private final Outbox out;
    private final Executor thread;
    private volatile int maxSubscriptions;
    private final Metrics.Histogram fanout;
    private final Map<Target, Channel> channels = new HashMap<>();
    private final Map<TargetPattern, Entry> entries = new HashMap<>();
    /** Channels created during the current task; those nobody joined are dropped when it ends. */
    private final List<Channel> fresh = new ArrayList<>();
    private volatile int subscriptions;

    Hub(ConfigFeed feed, Messages messages, Outbox out, Executor thread, int maxSubscriptions, Metrics metrics) {
        this.feed = feed;
        this.messages = messages;
        this.out = out;
        this.thread = thread;
        this.maxSubscriptions = maxSubscriptions;
        this.fanout = metrics.histogram("vortex_ws_fanout_duration_seconds",
                "From a change event to the last config_change handed to a session queue.", Metrics.latencyBuckets());
    }

    /** (session, target) pairs currently subscribed, for the gauge. */
    int subscriptions() {
        return subscriptions;
    }

    // ---- entry points: each hops onto the hub thread ----

    void opened(Session s, TargetPattern initial, String text) {
        run("open", () -> open(s, initial, text));
    }

    void received(Session s, Inbound m) {
        run("message", () -> handle(s, m));
    }

    void closed(Session s) {
        run("close", () -> remove(s));
    }

    void changed(String repo, String label, long startNanos) {
        run("change", () -> change(repo, label, startNanos));
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
                    dropUnjoined();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("ws hub stopped, dropped " + what);
        }
    }

    // ---- hub thread ----

    private void open(Session s, TargetPattern p, String text) {
        if (s.isClosed() || p == null) {
            return;
        }
        if (!s.principal.mayWatch(p.app())) {
            forbidden(s, p.app()); // the connection stays: the client may subscribe to what it may watch
            return;
        }
        Optional<String> label = p.label() != null ? Optional.of(p.label()) : defaultLabel(p.app());
        if (label.isEmpty()) {
            out.refuse(s, CloseCodes.NOT_FOUND, "unknown application", "UNKNOWN_LABEL",
                    "no repository serves application '" + p.app() + "'");
            return;
        }
        Target t = new Target(p.app(), p.profile(), label.get());
        Channel c = channel(t);
        if (c == null) {
            out.refuse(s, CloseCodes.NOT_FOUND, "unknown label", "UNKNOWN_LABEL",
                    "unknown label '" + t.label() + "' for application '" + t.app() + "'");
            return;
        }
        Entry e = entries.computeIfAbsent(p, k -> new Entry(k, List.of(t)));
        e.sessions.add(s);
        s.hold(text, e);
        join(s, c);
        sendSnapshot(s, c);
    }

    /** A snapshot of the channel, or nothing while it is pending (a snapshot follows when it renders). */
    private void sendSnapshot(Session s, Channel c) {
        if (!c.pending()) {
            out.send(s, messages.snapshot(c.target, c.version, c.configJson()));
        }
    }

    private void handle(Session s, Inbound m) {
        if (s.isClosed()) {
            return;
        }
        switch (m) {
            case Inbound.Subscribe sub -> subscribe(s, sub.patterns());
            case Inbound.Unsubscribe un -> unsubscribe(s, un.patterns());
            case Inbound.Resync r -> resync(s, r);
            case Inbound.Bad bad -> error(s, bad.code(), bad.message());
            case Inbound.Pong pong -> s.pong(); // normally taken on the connection's own thread
        }
    }

    private void subscribe(Session s, List<String> texts) {
        Map<String, TargetPattern> parsed = new LinkedHashMap<>();
        for (String text : texts) {
            try {
                parsed.put(text, TargetPattern.parse(text));
            } catch (IllegalArgumentException e) {
                error(s, "BAD_PATTERN", e.getMessage());
                return;
            }
        }
        Set<Target> inventory = null;
        Map<TargetPattern, Set<Target>> found = new LinkedHashMap<>();
        for (TargetPattern p : parsed.values()) {
            if (found.containsKey(p)) {
                continue;
            }
            if (!Patterns.isPattern(p.app()) && !s.principal.mayWatch(p.app())) {
                forbidden(s, p.app());
                return;
            }
            if (p.concrete()) {
                Optional<String> label = p.label() != null ? Optional.of(p.label()) : defaultLabel(p.app());
                if (label.isEmpty()) {
                    error(s, "FORBIDDEN", "no repository serves application '" + p.app() + "'");
                    return;
                }
                Target t = new Target(p.app(), p.profile(), label.get());
                if (channel(t) == null) {
                    error(s, "UNKNOWN_LABEL", "unknown label '" + t.label() + "' for application '" + t.app() + "'");
                    return;
                }
                found.put(p, Set.of(t));
            } else {
                if (inventory == null) {
                    inventory = targets();
                }
                Entry existing = entries.get(p);
                if (existing != null) {
                    grow(existing, inventory);
                    found.put(p, Set.copyOf(existing.matched));
                } else {
                    found.put(p, available(p, inventory));
                }
            }
        }
        Set<String> newTexts = new HashSet<>(parsed.keySet());
        newTexts.removeAll(s.patterns());
        Set<Target> union = s.targets();
        found.values().forEach(ts -> ts.stream().filter(s::mayWatch).forEach(union::add));
        if (s.held().size() + newTexts.size() > maxSubscriptions || union.size() > maxSubscriptions) {
            error(s, "TOO_MANY_SUBSCRIPTIONS", "a session may hold at most " + maxSubscriptions
                    + " patterns and " + maxSubscriptions + " concrete subscriptions");
            return;
        }
        Set<Target> toSnapshot = new LinkedHashSet<>();
        parsed.forEach((text, p) -> {
            Entry e = entries.computeIfAbsent(p, k -> new Entry(k, found.get(k)));
            e.sessions.add(s);
            s.hold(text, e);
            found.get(p).stream().filter(s::mayWatch).forEach(toSnapshot::add); // patterns expand only to what it may watch
        });
        out.send(s, messages.patterns("subscribed", s.patterns()));
        for (Target t : toSnapshot) {
            Channel c = channel(t);
            if (c != null) {
                join(s, c);
                sendSnapshot(s, c);
            }
        }
    }

    private void unsubscribe(Session s, List<String> texts) {
        List<TargetPattern> parsed = new ArrayList<>();
        for (String text : texts) {
            try {
                parsed.add(TargetPattern.parse(text));
            } catch (IllegalArgumentException e) {
                error(s, "BAD_PATTERN", e.getMessage());
                return;
            }
        }
        List<Entry> released = new ArrayList<>();
        for (TargetPattern p : parsed) {
            Entry e = entries.get(p);
            if (e != null && s.release(e)) {
                released.add(e);
            }
        }
        leave(s, released);
        out.send(s, messages.patterns("unsubscribed", s.patterns()));
    }

    private void resync(Session s, Inbound.Resync r) {
        if (r.pattern() == null) {
            Set<Target> mine = s.targets();
            if (mine.isEmpty()) {
                error(s, "BAD_MESSAGE", "resync without a subscription: name app and profile, or subscribe first");
                return;
            }
            if (mine.size() == 1) {
                resyncOne(s, mine.iterator().next(), r.lastVersion());
                return;
            }
            // One version cannot describe several subscriptions (each moves only when its own
            // configuration changes), so each gets a snapshot; naming the subscription avoids that.
            for (Target t : mine) {
                Channel c = channels.get(t);
                if (c != null) {
                    sendSnapshot(s, c);
                }
            }
            return;
        }
        TargetPattern p = r.pattern();
        if (!s.principal.mayWatch(p.app())) {
            forbidden(s, p.app());
            return;
        }
        Optional<String> label = p.label() != null ? Optional.of(p.label()) : defaultLabel(p.app());
        if (label.isEmpty()) {
            error(s, "FORBIDDEN", "no repository serves application '" + p.app() + "'");
            return;
        }
        Target t = new Target(p.app(), p.profile(), label.get());
        if (!s.targets().contains(t)) {
            // A reconnecting client resyncs instead of subscribing: the subscription is implied.
            Channel c = channel(t);
            if (c == null) {
                error(s, "UNKNOWN_LABEL", "unknown label '" + t.label() + "' for application '" + t.app() + "'");
                return;
            }
            if (s.held().size() + 1 > maxSubscriptions || s.targets().size() + 1 > maxSubscriptions) {
                error(s, "TOO_MANY_SUBSCRIPTIONS", "a session may hold at most " + maxSubscriptions + " subscriptions");
                return;
            }
            Entry e = entries.computeIfAbsent(p, k -> new Entry(k, List.of(t)));
            e.sessions.add(s);
            s.hold(r.text(), e);
            join(s, c);
        }
        resyncOne(s, t, r.lastVersion());
    }

    private void resyncOne(Session s, Target t, String lastVersion) {
        Channel c = channels.get(t);
        if (c == null || c.pending() || lastVersion.equals(c.version)) {
            return;
        }
        Optional<Map<String, Object>> then = at(c.target, lastVersion);
        if (then.isPresent()) {
            // Sent even when empty: it moves the client to the version later diffs chain from.
            out.send(s, messages.change(c.target, lastVersion, c.version, JsonPatch.diff(then.get(), c.config)));
            return;
        }
        out.send(s, messages.snapshot(c.target, c.version, c.configJson()));
    }

    private void remove(Session s) {
        List<Entry> all = new ArrayList<>();
        for (Session.Held h : s.held()) {
            if (!all.contains(h.entry())) {
                all.add(h.entry());
            }
        }
        all.forEach(s::release);
        leave(s, all);
    }

    /** Takes the session out of released entries and of the channels no other pattern of it matches. */
    private void leave(Session s, List<Entry> released) {
        if (released.isEmpty()) {
            return;
        }
        Set<Target> keep = s.targets();
        for (Entry e : released) {
            e.sessions.remove(s);
            if (e.sessions.isEmpty()) {
                entries.remove(e.pattern);
            }
            for (Target t : e.matched) {
                Channel c = channels.get(t);
                if (c != null && !keep.contains(t) && c.subscribers.remove(s)) {
                    subscriptions--;
                    if (c.subscribers.isEmpty()) {
                        channels.remove(t);
                    }
                }
            }
        }
    }

    private void change(String repo, String label, long startNanos) {
        int sent = 0;
        for (Channel c : channels.values()) {
            if (!c.subscribers.isEmpty() && affects(repo, label, c.target) && advance(c, current(c.target))) {
                sent++;
            }
        }
        growGlobs();
        if (sent > 0) {
            fanout.observeSince(startNanos);
        }
    }

    /**
     * Sends the channel's subscribers a diff to {@code now} when it changed anything (a snapshot when the
     * channel was pending); true when sent. Empty {@code now}: unknown, or held back by a file that does not parse.
     */
    private boolean advance(Channel c, Optional<Versioned> now) {
        if (now.isEmpty() || now.get().commit().equals(c.version)) {
            return false;
        }
        if (c.pending()) {
            c.moveTo(now.get());
            for (Session s : c.subscribers) {
                sendSnapshot(s, c);
            }
            return true;
        }
        ArrayNode diff = JsonPatch.diff(c.config, now.get().config());
        if (diff.isEmpty()) {
            return false; // nothing effective changed: keep the last sent version so diffs keep chaining
        }
        Frame f = messages.change(c.target, c.version, now.get().commit(), diff);
        c.moveTo(now.get());
        out.sendAll(c.subscribers, f);
        return true;
    }

    /**
     * Every subscribed target is checked against the reconfigured feed: one no repository serves
     * (or whose label is no longer known) gets a final {@code NOT_SERVED} error and is dropped from
     * its sessions, which stay open; one now served by other settings or another repository gets
     * a diff to what it is served now.
     */
    private void reconfigure(String reason) {
        Set<Target> gone = new HashSet<>();
        for (Channel c : List.copyOf(channels.values())) {
            if (c.subscribers.isEmpty()) {
                continue;
            }
            Optional<Versioned> now = defaultLabel(c.target.app()).isPresent() ? current(c.target) : Optional.empty();
            if (now.isPresent()) {
                if (!advance(c, now) && now.get().commit().equals(c.version) && !now.get().config().equals(c.config)) {
                    // same commit, other values (the overrides or the encrypt key changed): a diff needs a
                    // new version to chain from, so every subscriber gets the whole configuration again
                    c.moveTo(now.get());
                    for (Session s : c.subscribers) {
                        sendSnapshot(s, c);
                    }
                }
                continue;
            }
            gone.add(c.target);
            out.sendAll(c.subscribers, messages.error("NOT_SERVED", "application '" + c.target.app() + "' label '"
                    + c.target.label() + "' is no longer served (" + reason + "); subscription dropped"));
            subscriptions -= c.subscribers.size();
            channels.remove(c.target);
        }
        for (Entry e : entries.values()) {
            e.matched.removeAll(gone);
        }
        growGlobs();
    }

    private void growGlobs() {
        boolean globs = false;
        for (Entry e : entries.values()) {
            globs |= !e.pattern.concrete();
        }
        if (globs) {
            Set<Target> inventory = targets();
            for (Entry e : List.copyOf(entries.values())) {
                if (!e.pattern.concrete()) {
                    grow(e, inventory);
                }
            }
        }
    }

    /** Adds targets the entry's pattern newly matches; each of its sessions gets a snapshot of each. */
    private void grow(Entry e, Set<Target> inventory) {
        for (Target t : available(e.pattern, inventory)) {
            if (!e.matched.add(t)) {
                continue;
            }
            Channel c = channel(t);
            for (Session s : e.sessions) {
                if (!s.isClosed() && s.mayWatch(t) && join(s, c)) {
                    sendSnapshot(s, c);
                }
            }
        }
    }

    /** The pattern's matches that render now (their channels exist afterwards). */
    private Set<Target> available(TargetPattern p, Set<Target> inventory) {
        Set<Target> out = new LinkedHashSet<>();
        for (Target t : p.expand(inventory, this::defaultLabel)) {
            if (channel(t) != null) {
                out.add(t);
            }
        }
        return out;
    }

    private boolean join(Session s, Channel c) {
        if (c.subscribers.add(s)) {
            subscriptions++;
            return true;
        }
        return false;
    }

    // said before any lookup, so it tells nothing about whether the application exists
    private void forbidden(Session s, String app) {
        error(s, "FORBIDDEN", "principal '" + s.principal.name() + "' may not watch application '" + app + "'");
    }

    private void error(Session s, String code, String message) {
        out.send(s, messages.error(code, message));
    }

    /**
     * Only channels with subscribers are kept: an unsubscribed channel receives no changes, so
     * keeping it would later hand a stale snapshot to its next subscriber.
     */
    private void dropUnjoined() {
        for (Channel c : fresh) {
            if (c.subscribers.isEmpty() && channels.get(c.target) == c) {
                channels.remove(c.target);
            }
        }
        fresh.clear();
    }

    /**
     * The channel of a target, created from the feed when first needed; pending when the target reads
     * a file that does not parse and has no good commit; null when it is unknown or the feed failed.
     */
    private Channel channel(Target t) {
        Channel c = channels.get(t);
        if (c == null) {
            Versioned v;
            try {
                Optional<Versioned> now = feed.current(t);
                if (now.isEmpty()) {
                    return null;
                }
                v = now.get();
            } catch (RenderException e) {
                v = null;
            } catch (RuntimeException e) {
                LOG.warn("ws feed failed: current configuration", e, "target", t);
                return null;
            }
            c = new Channel(t, v);
            channels.put(t, c);
            fresh.add(c);
        }
        return c;
    }

    // ---- the feed, guarded: a failing render costs one subscription an update, never the hub ----

    private Optional<String> defaultLabel(String app) {
        try {
            return feed.defaultLabel(app);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: default label", e, "app", app);
            return Optional.empty();
        }
    }

    private Optional<Versioned> current(Target t) {
        try {
            return feed.current(t);
        } catch (RenderException e) {
            return Optional.empty(); // held back with no good commit: the status and the log name the file
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: current configuration", e, "target", t);
            return Optional.empty();
        }
    }

    private Optional<Map<String, Object>> at(Target t, String commit) {
        try {
            return feed.at(t, commit);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: configuration at commit", e, "target", t, "commit", commit);
            return Optional.empty();
        }
    }

    private Set<Target> targets() {
        try {
            return feed.targets();
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: targets", e);
            return Set.of();
        }
    }

    private boolean affects(String repo, String label, Target t) {
        try {
            return feed.affects(repo, label, t);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: affects", e, "repo", repo, "label", label, "target", t);
            return false;
        }
    }
}
