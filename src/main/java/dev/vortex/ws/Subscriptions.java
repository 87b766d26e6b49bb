package dev.vortex.ws;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is subscribed to what (hub thread only): a {@link Channel} per distinct subscribed target,
 * a {@link PatternEntry} per distinct pattern remembering which targets it matched, so targets that
 * become servable later (a new application, a new tracked branch) reach its sessions as snapshots.
 *
 * <p>Only channels with subscribers are kept: an unsubscribed channel receives no changes, so
 * keeping it would later hand a stale snapshot to its next subscriber.
 */
final class Subscriptions {
    private final GuardedFeed feed;
    private final Delivery out;
    private final Map<Target, Channel> channels = new HashMap<>();
    private final Map<TargetPattern, PatternEntry> entries = new HashMap<>();
    /** Changes-only patterns, apart: the same text may be held with snapshots by another session. */
    private final Map<TargetPattern, PatternEntry> watchers = new HashMap<>();
    /** Channels created during the current task; those nobody joined are dropped when it ends. */
    private final List<Channel> fresh = new ArrayList<>();
    private volatile int count;

    Subscriptions(GuardedFeed feed, Delivery out) {
        this.feed = feed;
        this.out = out;
    }

    /** (session, target) pairs currently subscribed, for the gauge. */
    int count() {
        return count;
    }

    /**
     * The channel of a target, created from the feed when first needed; pending when the target reads
     * a file that does not parse and has no good commit; null when it is unknown or the feed failed.
     */
    Channel channel(Target t) {
        Channel c = channels.get(t);
        if (c == null) {
            c = feed.newChannel(t).orElse(null);
            if (c != null) {
                channels.put(t, c);
                fresh.add(c);
            }
        }
        return c;
    }

    /** The channel of a target when one exists; never creates one. */
    Channel existing(Target t) {
        return channels.get(t);
    }

    /** A snapshot of the channels, safe to iterate while channels are dropped. */
    List<Channel> channels() {
        return List.copyOf(channels.values());
    }

    /** No channel and no changes-only pattern: nobody listens to a change. */
    boolean none() {
        return channels.isEmpty() && watchers.isEmpty();
    }

    PatternEntry entry(TargetPattern p) {
        return entries.get(p);
    }

    /** The changes-only entry of a pattern, null when no session holds it so. */
    PatternEntry watcher(TargetPattern p) {
        return watchers.get(p);
    }

    /** Every changes-only pattern held. */
    Collection<PatternEntry> watchers() {
        return watchers.values();
    }

    /** The session holds {@code text} changes-only; true when no session held the pattern changes-only before. */
    boolean holdChanges(Session s, String text, TargetPattern p) {
        boolean first = !watchers.containsKey(p);
        PatternEntry e = watchers.computeIfAbsent(p, k -> new PatternEntry(k, List.of(), true));
        e.sessions.add(s);
        s.hold(text, e);
        return first;
    }

    /** The session holds {@code text}, parsed to {@code p}; a pattern first held starts with {@code matched}. */
    void hold(Session s, String text, TargetPattern p, Collection<Target> matched) {
        PatternEntry e = entries.computeIfAbsent(p, k -> new PatternEntry(k, matched));
        e.sessions.add(s);
        s.hold(text, e);
    }

    boolean join(Session s, Channel c) {
        if (c.subscribers.add(s)) {
            count++;
            return true;
        }
        return false;
    }

    /** Releases every pattern the session holds (it closed). */
    void remove(Session s) {
        List<PatternEntry> all = new ArrayList<>();
        for (Session.Held h : s.held()) {
            if (!all.contains(h.entry())) {
                all.add(h.entry());
            }
        }
        all.forEach(s::release);
        leave(s, all);
    }

    /** Takes the session out of released entries and of the channels no other pattern of it matches. */
    void leave(Session s, List<PatternEntry> released) {
        if (released.isEmpty()) {
            return;
        }
        Set<Target> keep = s.targets();
        for (PatternEntry e : released) {
            e.sessions.remove(s);
            if (e.sessions.isEmpty()) {
                (e.changesOnly ? watchers : entries).remove(e.pattern);
            }
            for (Target t : e.matched) {
                Channel c = channels.get(t);
                if (c != null && !keep.contains(t) && c.subscribers.remove(s)) {
                    count--;
                    if (c.subscribers.isEmpty()) {
                        channels.remove(t);
                    }
                }
            }
        }
    }

    /** Drops channels no longer served, with all their subscribers; the patterns forget them. */
    void drop(Collection<Channel> gone) {
        Set<Target> targets = new LinkedHashSet<>();
        for (Channel c : gone) {
            count -= c.subscribers.size();
            channels.remove(c.target);
            targets.add(c.target);
        }
        for (PatternEntry e : entries.values()) {
            e.matched.removeAll(targets);
        }
    }

    /** Every glob pattern picks up the targets it newly matches. */
    void growGlobs() {
        boolean globs = false;
        for (PatternEntry e : entries.values()) {
            globs |= !e.pattern.concrete();
        }
        if (globs) {
            Set<Target> inventory = feed.targets();
            for (PatternEntry e : List.copyOf(entries.values())) {
                if (!e.pattern.concrete()) {
                    grow(e, inventory);
                }
            }
        }
    }

    /** Adds targets the entry's pattern newly matches; each of its sessions gets a snapshot of each. */
    void grow(PatternEntry e, Set<Target> inventory) {
        for (Target t : available(e.pattern, inventory)) {
            if (!e.matched.add(t)) {
                continue;
            }
            Channel c = channel(t);
            for (Session s : e.sessions) {
                if (!s.isClosed() && s.mayWatch(t) && join(s, c)) {
                    out.snapshot(s, c);
                }
            }
        }
    }

    /** The pattern's matches that render now (their channels exist afterwards). */
    Set<Target> available(TargetPattern p, Set<Target> inventory) {
        Set<Target> found = new LinkedHashSet<>();
        for (Target t : p.expandWith(inventory, feed::defaultLabel)) {
            if (channel(t) != null) {
                found.add(t);
            }
        }
        return found;
    }

    /** Ends a hub task: channels it created that nobody joined go. */
    void dropUnjoined() {
        for (Channel c : fresh) {
            if (c.subscribers.isEmpty() && channels.get(c.target) == c) {
                channels.remove(c.target);
            }
        }
        fresh.clear();
    }
}
