package dev.vortex.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vortex.render.JsonPatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fan-out to changes-only subscriptions (hub thread): for a label that moved from one commit to
 * another, every target of the applications it touched that some changes-only pattern matches is
 * rendered at both commits (in parallel), and those whose effective configuration changed go out as
 * a {@code config_change} from the old commit to the new one, with the {@code previous} values of
 * the keys it replaces or removes. Nothing is kept between changes.
 */
final class ChangesOnly {
    private final GuardedFeed feed;
    private final Subscriptions subs;
    private final Delivery out;

    /**
     * A target's configuration at the old commit and now, as a snapshot channel already rendered them,
     * and the diff between them when the hub computed it (null: not yet).
     */
    record Rendered(Map<String, Object> before, Versioned now, ArrayNode diff) {
    }

    ChangesOnly(GuardedFeed feed, Subscriptions subs, Delivery out) {
        this.feed = feed;
        this.subs = subs;
        this.out = out;
    }

    /**
     * Sends the change to every changes-only subscriber it concerns; returns the targets that changed.
     * {@code known}: targets whose configurations at both commits the snapshot channels already have.
     */
    int fanOut(String repo, String label, String oldCommit, String newCommit, Optional<Set<String>> touched,
               Map<Target, Rendered> known) {
        if (subs.watchers().isEmpty() || oldCommit == null || newCommit == null) {
            return 0;
        }
        Set<Target> candidates = feed.targets(repo, label, touched);
        Map<Target, Set<Session>> who = new LinkedHashMap<>();
        for (PatternEntry e : subs.watchers()) {
            for (Target t : e.pattern.expandWith(candidates, feed::defaultLabel)) {
                for (Session s : e.sessions) {
                    if (!s.isClosed() && s.mayWatch(t)) {
                        who.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(s);
                    }
                }
            }
        }
        List<Target> targets = new ArrayList<>(who.keySet());
        List<Frame> frames = Parallel.map(targets, t -> frame(t, oldCommit, newCommit, known.get(t)));
        int sent = 0;
        for (int i = 0; i < targets.size(); i++) {
            Frame f = frames.get(i);
            if (f != null) {
                sent++;
                for (Session s : who.get(targets.get(i))) {
                    out.paced(s, f);
                }
            }
        }
        return sent;
    }

    /** The change of one target between the commits, null when it changed nothing (or is held back by a broken file). */
    private Frame frame(Target t, String oldCommit, String newCommit, Rendered known) {
        Optional<Versioned> now = known != null ? Optional.of(known.now()) : feed.current(t);
        if (now.isEmpty() || !now.get().commit().equals(newCommit)) {
            return null;
        }
        Optional<Map<String, Object>> before = known != null ? Optional.of(known.before()) : feed.at(t, oldCommit);
        if (before.isEmpty()) {
            return null;
        }
        ArrayNode diff = known != null && known.diff() != null ? known.diff() : JsonPatch.diff(before.get(), now.get().config());
        if (diff.isEmpty()) {
            return null;
        }
        Map<String, Object> previous = new LinkedHashMap<>();
        for (JsonNode op : diff) {
            String key = op.path("path").asText().substring(1).replace("~1", "/").replace("~0", "~");
            if (!op.path("op").asText().equals("add") && before.get().containsKey(key)) {
                previous.put(key, before.get().get(key));
            }
        }
        return out.messages.change(t, oldCommit, newCommit, diff, previous);
    }
}
