package dev.vortex.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the other replicas serve, as their notices said: per replica id, per repository and label,
 * the commit and since when it has served it (as far as we know). A replica silent for longer than
 * the caller's horizon is forgotten (gone, or no longer a peer).
 */
final class PeerViews {
    /** A commit a replica serves and when we first heard it serve it. */
    record Seen(String commit, Instant since) {
    }

    /** One replica's view. */
    record View(String replica, Instant lastNotice, Map<String, Map<String, Seen>> serves) {
    }

    private final Map<String, View> views = new LinkedHashMap<>();

    synchronized void record(Notice n, Instant now) {
        View before = views.get(n.origin());
        Map<String, Map<String, Seen>> serves = new LinkedHashMap<>();
        n.serves().forEach((repo, labels) -> {
            Map<String, Seen> byLabel = new LinkedHashMap<>();
            labels.forEach((label, commit) -> {
                Seen old = before == null ? null : before.serves().getOrDefault(repo, Map.of()).get(label);
                byLabel.put(label, old != null && old.commit().equals(commit) ? old : new Seen(commit, now));
            });
            serves.put(repo, byLabel);
        });
        views.put(n.origin(), new View(n.origin(), now, serves));
    }

    /** The replicas heard from within {@code horizon}, the others forgotten. */
    synchronized List<View> current(Instant now, Duration horizon) {
        views.values().removeIf(v -> Duration.between(v.lastNotice(), now).compareTo(horizon) > 0);
        return new ArrayList<>(views.values());
    }
}
