package dev.vortex.ws;

import dev.vortex.config.Patterns;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * What a client asks for (hub thread only): the subscription named in the connect URL, and
 * {@code subscribe}, {@code unsubscribe} and {@code resync} messages (PROTOCOL.md). Answers go
 * through {@link Delivery}; the bookkeeping is {@link Subscriptions}'. A request for a target whose
 * template repository is being made is set aside, not refused: it is handled again on the hub thread
 * when the first sync ended (or its {@code first-sync-wait} ran out), and answered then.
 */
final class ClientRequests {
    private final GuardedFeed feed;
    private final Subscriptions subs;
    private final Delivery out;
    private final Catchup catchup;
    private final IntSupplier maxSubscriptions;
    private final java.util.function.Consumer<Runnable> onHubThread;

    ClientRequests(GuardedFeed feed, Subscriptions subs, Delivery out, Catchup catchup, IntSupplier maxSubscriptions,
                   java.util.function.Consumer<Runnable> onHubThread) {
        this.onHubThread = onHubThread;
        this.feed = feed;
        this.subs = subs;
        this.out = out;
        this.catchup = catchup;
        this.maxSubscriptions = maxSubscriptions;
    }

    /** The subscription of the connect URL: refused (an error, then close) when its application or label is unknown. */
    void open(Session s, TargetPattern p, String text) {
        open(s, p, text, true);
    }

    private void open(Session s, TargetPattern p, String text, boolean mayWait) {
        if (s.isClosed() || p == null) {
            return;
        }
        if (!s.principal.mayWatch(p.app())) {
            out.forbidden(s, p.app()); // the connection stays: the client may subscribe to what it may watch
            return;
        }
        Optional<Target> target = feed.target(p);
        if (target.isEmpty() && mayWait && later(p, () -> open(s, p, text, false))) {
            return;
        }
        if (target.isEmpty()) {
            out.refuse(s, CloseCodes.NOT_FOUND, "unknown application", "UNKNOWN_LABEL",
                    feed.unavailable(p));
            return;
        }
        Target t = target.get();
        Channel c = subs.channel(t);
        if (c == null) {
            out.refuse(s, CloseCodes.NOT_FOUND, "unknown label", "UNKNOWN_LABEL",
                    "unknown label '" + t.label() + "' for application '" + t.app() + "'");
            return;
        }
        subs.hold(s, text, p, List.of(t));
        subs.join(s, c);
        out.snapshot(s, c);
    }

    void handle(Session s, Inbound m) {
        handle(s, m, true);
    }

    private void handle(Session s, Inbound m, boolean mayWait) {
        if (s.isClosed()) {
            return;
        }
        if (mayWait && m instanceof Inbound.Subscribe sub) {
            List<java.util.concurrent.CompletableFuture<?>> firsts = new ArrayList<>();
            for (String text : sub.patterns()) {
                TargetPattern p = parsedOrNull(text);
                if (p != null && p.concrete() && s.principal.mayWatch(p.app()) && feed.target(p).isEmpty()) {
                    feed.firstSync(p).ifPresent(firsts::add);
                }
            }
            if (!firsts.isEmpty()) {
                java.util.concurrent.CompletableFuture.allOf(firsts.toArray(java.util.concurrent.CompletableFuture[]::new))
                        .whenComplete((done, error) -> onHubThread.accept(() -> handle(s, m, false)));
                return;
            }
        }
        switch (m) {
            case Inbound.Subscribe sub when !sub.snapshots() -> subscribeChanges(s, sub.patterns());
            case Inbound.Subscribe sub -> subscribe(s, sub.patterns(), sub.lastVersion());
            case Inbound.Unsubscribe un -> unsubscribe(s, un.patterns());
            case Inbound.Resync r -> resync(s, r);
            case Inbound.Bad bad -> out.error(s, bad.code(), bad.message());
            case Inbound.Pong pong -> s.pong(); // normally taken on the connection's own thread
        }
    }

    /** Runs {@code retry} on the hub thread once the first sync of the pattern's template repository ended; false when none is being made. */
    private boolean later(TargetPattern p, Runnable retry) {
        Optional<java.util.concurrent.CompletableFuture<?>> first = feed.firstSync(p);
        first.ifPresent(f -> f.whenComplete((done, error) -> onHubThread.accept(retry)));
        return first.isPresent();
    }

    private static TargetPattern parsedOrNull(String text) {
        try {
            return TargetPattern.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code lastVersion}: the commit the client holds, for a subscription of one target (else null: snapshots). */
    private void subscribe(Session s, List<String> texts, String lastVersion) {
        Map<String, TargetPattern> parsed = new LinkedHashMap<>();
        for (String text : texts) {
            try {
                parsed.put(text, TargetPattern.parse(text));
            } catch (IllegalArgumentException e) {
                out.error(s, "BAD_PATTERN", e.getMessage());
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
                out.forbidden(s, p.app());
                return;
            }
            if (p.concrete()) {
                Optional<Target> target = feed.target(p);
                if (target.isEmpty()) {
                    out.error(s, "FORBIDDEN", feed.unavailable(p));
                    return;
                }
                Target t = target.get();
                if (subs.channel(t) == null) {
                    out.error(s, "UNKNOWN_LABEL", "unknown label '" + t.label() + "' for application '" + t.app() + "'");
                    return;
                }
                found.put(p, Set.of(t));
            } else {
                if (inventory == null) {
                    inventory = feed.targets();
                }
                PatternEntry existing = subs.entry(p);
                if (existing != null) {
                    subs.grow(existing, inventory);
                    found.put(p, Set.copyOf(existing.matched));
                } else {
                    found.put(p, subs.available(p, inventory));
                }
            }
        }
        int max = maxSubscriptions.getAsInt();
        Set<String> newTexts = new HashSet<>(parsed.keySet());
        newTexts.removeAll(s.patterns());
        Set<Target> union = s.targets();
        found.values().forEach(ts -> ts.stream().filter(s::mayWatch).forEach(union::add));
        if (s.held().size() + newTexts.size() > max || union.size() > max) {
            out.error(s, "TOO_MANY_SUBSCRIPTIONS", "a session may hold at most " + max
                    + " patterns and " + max + " concrete subscriptions");
            return;
        }
        Set<Target> toSnapshot = new LinkedHashSet<>();
        parsed.forEach((text, p) -> {
            subs.hold(s, text, p, found.get(p));
            found.get(p).stream().filter(s::mayWatch).forEach(toSnapshot::add); // patterns expand only to what it may watch
        });
        out.send(s, out.messages.patterns("subscribed", s.patterns()));
        for (Target t : toSnapshot) {
            Channel c = subs.channel(t);
            if (c != null) {
                subs.join(s, c);
                if (lastVersion != null && toSnapshot.size() == 1 && !c.pending()) {
                    resyncOne(s, t, lastVersion); // from the client's commit, as a resync would
                } else {
                    out.snapshot(s, c);
                }
            }
        }
    }

    /**
     * A changes-only subscription: the patterns are held (and count against {@code ws.max-subscriptions}
     * as patterns), nothing is rendered or sent now, and each later change a pattern matches arrives as
     * a {@code config_change} — however many targets it matches, it holds no per-target state.
     */
    private void subscribeChanges(Session s, List<String> texts) {
        Map<String, TargetPattern> parsed = new LinkedHashMap<>();
        for (String text : texts) {
            try {
                TargetPattern p = TargetPattern.parse(text);
                if (!Patterns.isPattern(p.app()) && !s.principal.mayWatch(p.app())) {
                    out.forbidden(s, p.app());
                    return;
                }
                if (p.concrete() && feed.target(p).isEmpty()) {
                    out.error(s, "FORBIDDEN", feed.unavailable(p));
                    return;
                }
                parsed.put(text, p);
            } catch (IllegalArgumentException e) {
                out.error(s, "BAD_PATTERN", e.getMessage());
                return;
            }
        }
        Set<String> newTexts = new HashSet<>(parsed.keySet());
        newTexts.removeAll(s.patterns());
        int max = maxSubscriptions.getAsInt();
        if (s.held().size() + newTexts.size() > max) {
            out.error(s, "TOO_MANY_SUBSCRIPTIONS", "a session may hold at most " + max + " patterns and " + max
                    + " concrete subscriptions");
            return;
        }
        boolean firstWatcher = false;
        for (Map.Entry<String, TargetPattern> e : parsed.entrySet()) {
            if (newTexts.contains(e.getKey())) {
                firstWatcher |= subs.holdChanges(s, e.getKey(), e.getValue());
            }
        }
        out.send(s, out.messages.patterns("subscribed", s.patterns()));
        if (firstWatcher) {
            listTargetsAside();
        }
    }

    /**
     * Lists every target on a thread of its own: the commits' inventories it works out are what the
     * first change a changes-only pattern watches needs, and on a 10,000-application repository working
     * them out then took the hub thread ~0.9 s (parsing every file); each later change reuses them.
     */
    private void listTargetsAside() {
        Thread.ofVirtual().name("vortex-ws-inventory").start(feed::targets);
    }

    private void unsubscribe(Session s, List<String> texts) {
        List<TargetPattern> parsed = new ArrayList<>();
        for (String text : texts) {
            try {
                parsed.add(TargetPattern.parse(text));
            } catch (IllegalArgumentException e) {
                out.error(s, "BAD_PATTERN", e.getMessage());
                return;
            }
        }
        List<PatternEntry> released = new ArrayList<>();
        for (TargetPattern p : parsed) {
            for (PatternEntry e : new PatternEntry[] {subs.entry(p), subs.watcher(p)}) {
                if (e != null && s.release(e)) {
                    released.add(e);
                }
            }
        }
        subs.leave(s, released);
        out.send(s, out.messages.patterns("unsubscribed", s.patterns()));
    }

    private void resync(Session s, Inbound.Resync r) {
        if (r.pattern() == null) {
            Set<Target> mine = s.targets();
            if (mine.isEmpty()) {
                out.error(s, "BAD_MESSAGE", "resync without a subscription: name app and profile, or subscribe first");
                return;
            }
            if (mine.size() == 1) {
                resyncOne(s, mine.iterator().next(), r.lastVersion());
                return;
            }
            // One version cannot describe several subscriptions (each moves only when its own
            // configuration changes), so each gets a snapshot; naming the subscription avoids that.
            for (Target t : mine) {
                Channel c = subs.existing(t);
                if (c != null) {
                    out.snapshot(s, c);
                }
            }
            return;
        }
        TargetPattern p = r.pattern();
        if (!s.principal.mayWatch(p.app())) {
            out.forbidden(s, p.app());
            return;
        }
        Optional<Target> target = feed.target(p);
        if (target.isEmpty()) {
            out.error(s, "FORBIDDEN", feed.unavailable(p));
            return;
        }
        Target t = target.get();
        if (!s.targets().contains(t)) {
            // A reconnecting client resyncs instead of subscribing: the subscription is implied.
            Channel c = subs.channel(t);
            if (c == null) {
                out.error(s, "UNKNOWN_LABEL", "unknown label '" + t.label() + "' for application '" + t.app() + "'");
                return;
            }
            int max = maxSubscriptions.getAsInt();
            if (s.held().size() + 1 > max || s.targets().size() + 1 > max) {
                out.error(s, "TOO_MANY_SUBSCRIPTIONS", "a session may hold at most " + max + " subscriptions");
                return;
            }
            subs.hold(s, r.text(), p, List.of(t));
            subs.join(s, c);
        }
        resyncOne(s, t, r.lastVersion());
    }

    /**
     * Brings one subscription from the client's {@code lastVersion} to the channel's version: a diff
     * when that version is an ancestor of the channel's; nothing when it is already there; else the
     * client is caught up without ever going backwards ({@link Catchup}).
     */
    private void resyncOne(Session s, Target t, String lastVersion) {
        Channel c = subs.existing(t);
        if (c == null || c.pending() || lastVersion.equals(c.version)) {
            return;
        }
        catchup.resync(s, c, lastVersion);
    }
}
