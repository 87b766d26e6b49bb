package dev.vortex.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vortex.render.JsonPatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fan-out to changes-only subscriptions (hub thread): for a label that moved from one commit to
 * another, every target of the applications it touched that some changes-only pattern matches is
 * sent a {@code config_change} from the old commit to the new one when its effective configuration
 * changed, with the {@code previous} values of the keys it replaces or removes. A target a snapshot
 * channel just rendered is built from what the channel held and holds ({@link Plan#change}, in the
 * channel's render pass) and sent as the hub hands the batch out ({@link Plan#send}); the others are
 * rendered at both commits here, in parallel ({@link Plan#sendRest}). Nothing is kept between changes.
 */
final class ChangesOnly {
    private final GuardedFeed feed;
    private final Subscriptions subs;
    private final Delivery out;

    /**
     * A target's configuration at the old commit and now, as a snapshot channel already rendered them,
     * and the diff between them and its JSON when the hub computed them (null: not yet).
     */
    record Rendered(Map<String, Object> before, Versioned now, ArrayNode diff, byte[] diffJson) {
    }

    ChangesOnly(GuardedFeed feed, Subscriptions subs, Delivery out) {
        this.feed = feed;
        this.subs = subs;
        this.out = out;
    }

    /**
     * Who is owed what for one change; each target is sent once, by {@link #send} or {@link #sendRest}.
     * Hub thread only, but {@link #change}.
     */
    final class Plan {
        private final String oldCommit;
        private final String newCommit;
        // the targets not sent yet, each with the changes-only sessions that watch it
        private final Map<Target, Set<Session>> who;

        private Plan(String oldCommit, String newCommit, Map<Target, Set<Session>> who) {
            this.oldCommit = oldCommit;
            this.newCommit = newCommit;
            this.who = who;
        }

        /** True when {@code t} is owed and not sent yet (hub thread). */
        boolean owes(Target t) {
            return who.containsKey(t);
        }

        /**
         * The change of {@code t} from what a snapshot channel rendered (null: it changed nothing); thread-safe,
         * for the render threads, which build it beside the channel's own frame.
         */
        PendingChange change(Target t, Rendered known) {
            return ChangesOnly.this.change(t, oldCommit, newCommit, known);
        }

        /** Sends the changes {@link #change} built for these targets (each owed, null: changed nothing); returns how many changed. */
        int send(List<Target> targets, List<PendingChange> changes) {
            int sent = 0;
            for (int i = 0; i < targets.size(); i++) {
                Set<Session> sessions = who.remove(targets.get(i));
                PendingChange c = changes.get(i);
                if (c != null) {
                    sent++;
                    out.paced(sessions, c);
                }
            }
            return sent;
        }

        /** Sends every target not sent yet, rendered at both commits; returns how many changed. */
        int sendRest() {
            List<Target> targets = new ArrayList<>(who.keySet());
            return send(targets, Parallel.map(targets, t -> change(t, null)));
        }
    }

    /** What the change owes changes-only subscribers: nothing when none watches, or either commit is null. */
    Plan plan(String repo, String label, String oldCommit, String newCommit, Optional<Set<String>> touched) {
        Map<Target, Set<Session>> who = new LinkedHashMap<>();
        if (subs.watchers().isEmpty() || oldCommit == null || newCommit == null) {
            return new Plan(oldCommit, newCommit, who);
        }
        Set<Target> candidates = feed.targets(repo, label, touched);
        for (PatternEntry e : subs.watchers()) {
            for (Target t : e.pattern.expandWith(candidates, feed::defaultLabel)) {
                for (Session s : e.sessions) {
                    if (!s.isClosed() && s.mayWatch(t)) {
                        who.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(s);
                    }
                }
            }
        }
        // one set for the targets the same sessions watch (most often all): a plan lives through the whole
        // fan-out, and 20,000 sets of one session were copied by its first young collections
        Map<Set<Session>, Set<Session>> shared = new HashMap<>();
        who.replaceAll((t, sessions) -> shared.computeIfAbsent(sessions, k -> k));
        return new Plan(oldCommit, newCommit, who);
    }

    /** The change of one target between the commits, null when it changed nothing (or is held back by a broken file). */
    private PendingChange change(Target t, String oldCommit, String newCommit, Rendered known) {
        Optional<Versioned> now = known != null ? Optional.of(known.now()) : feed.current(t);
        if (now.isEmpty() || !now.get().commit().equals(newCommit)) {
            return null;
        }
        Optional<Map<String, Object>> before = known != null ? Optional.of(known.before()) : feed.at(t, oldCommit);
        if (before.isEmpty()) {
            return null;
        }
        boolean diffed = known != null && known.diff() != null;
        ArrayNode diff = diffed ? known.diff() : JsonPatch.diff(before.get(), now.get().config());
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
        return new PendingChange(t, oldCommit, newCommit, diffed ? known.diffJson() : Messages.diffJson(diff), Messages.previousJson(previous));
    }
}
