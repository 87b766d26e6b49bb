package dev.vortex.ws;

import dev.vortex.config.Patterns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link ConfigFeed}: one repository ({@code cfg}, default label {@code main}) whose
 * labels hold commits, each commit the effective configuration of every (app, profile) in it.
 * An (app, profile) absent from a commit renders as an empty configuration, as an application
 * without files does in Spring; only present ones are listed by {@link #targets()}.
 */
final class FakeFeed implements ConfigFeed {
    static final String REPO = "cfg";

    private record Commit(String id, Map<String, Map<String, Object>> configs) {
    }

    private final Map<String, List<Commit>> labels = new HashMap<>();
    private final Set<String> forgotten = new HashSet<>();
    private final Set<String> unserved = new HashSet<>();
    private final List<String> tracked = new ArrayList<>(List.of("*"));
    private final AtomicInteger renders = new AtomicInteger();
    private final AtomicInteger olderRenders = new AtomicInteger();
    private final AtomicInteger listings = new AtomicInteger();
    private int counter;
    /** What {@link #fetch} answers; null: a fetch that ends at once. */
    private volatile java.util.concurrent.CompletableFuture<?> fetching;
    private volatile java.time.Duration holdBound = java.time.Duration.ofMinutes(1);

    static String key(String app, String profile) {
        return app + ":" + profile;
    }

    /**
     * A new commit on {@code label}: the previous commit's configurations with {@code changes}
     * applied (a null configuration removes that app:profile). Returns the commit id.
     */
    synchronized String commit(String label, Map<String, Map<String, Object>> changes) {
        List<Commit> commits = labels.computeIfAbsent(label, l -> new ArrayList<>());
        Map<String, Map<String, Object>> next = new LinkedHashMap<>(commits.isEmpty() ? Map.of() : commits.getLast().configs());
        changes.forEach((k, v) -> {
            if (v == null) {
                next.remove(k);
            } else {
                next.put(k, new LinkedHashMap<>(v));
            }
        });
        String id = String.format("%040x", ++counter);
        commits.add(new Commit(id, next));
        return id;
    }

    synchronized String commit(String label, String app, String profile, Map<String, Object> config) {
        Map<String, Map<String, Object>> change = new HashMap<>();
        change.put(key(app, profile), config);
        return commit(label, change);
    }

    /** The commit disappears from the mirror: {@link #at} no longer knows it. */
    synchronized void forget(String commit) {
        forgotten.add(commit);
    }

    synchronized void unserve(String app) {
        unserved.add(app);
    }

    synchronized void track(String... globs) {
        tracked.clear();
        tracked.addAll(List.of(globs));
    }

    /** Fetches from now on end when {@code until} completes. */
    void fetchesEndWith(java.util.concurrent.CompletableFuture<?> until) {
        fetching = until;
    }

    void holdBound(java.time.Duration bound) {
        holdBound = bound;
    }

    /** The id the next {@link #commit} gets: a commit pushed elsewhere, not here yet. */
    synchronized String nextId() {
        return String.format("%040x", counter + 1);
    }

    @Override
    public java.util.concurrent.CompletableFuture<?> fetch(Target target) {
        java.util.concurrent.CompletableFuture<?> f = fetching;
        return f != null ? f : java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    @Override
    public java.time.Duration holdBound() {
        return holdBound;
    }

    int renders() {
        return renders.get();
    }

    /** Renders at an older commit ({@link #at}). */
    int olderRenders() {
        return olderRenders.get();
    }

    /** Calls of {@link #targets()}: every target listed, as the hub does to grow its glob patterns. */
    int listings() {
        return listings.get();
    }

    synchronized Map<String, Object> currentConfig(Target t) {
        return current(t).orElseThrow().config();
    }

    @Override
    public synchronized Optional<String> defaultLabel(String app) {
        return unserved.contains(app) ? Optional.empty() : Optional.of("main");
    }

    @Override
    public synchronized Optional<Versioned> current(Target t) {
        List<Commit> commits = labels.get(t.label());
        if (commits == null || unserved.contains(t.app())) {
            return Optional.empty();
        }
        renders.incrementAndGet();
        Commit c = commits.getLast();
        return Optional.of(new Versioned(c.id(), c.configs().getOrDefault(key(t.app(), t.profile()), Map.of())));
    }

    @Override
    public synchronized Optional<Map<String, Object>> at(Target t, String commit) {
        if (forgotten.contains(commit)) {
            return Optional.empty();
        }
        for (Commit c : labels.getOrDefault(t.label(), List.of())) {
            if (c.id().equals(commit)) {
                olderRenders.incrementAndGet();
                return Optional.of(c.configs().getOrDefault(key(t.app(), t.profile()), Map.of()));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Set<Target> targets() {
        listings.incrementAndGet();
        Set<Target> out = new HashSet<>();
        labels.forEach((label, commits) -> {
            if (tracked.stream().anyMatch(g -> Patterns.matches(g, label))) {
                for (String k : commits.getLast().configs().keySet()) {
                    String[] ap = k.split(":");
                    if (!unserved.contains(ap[0])) {
                        out.add(new Target(ap[0], ap[1], label));
                    }
                }
            }
        });
        return out;
    }

    /** The applications whose configuration differs between the two commits of {@code label}; empty when one is unknown. */
    @Override
    public synchronized Optional<Set<String>> touched(String repo, String label, String oldCommit, String newCommit) {
        Map<String, Map<String, Object>> before = null;
        Map<String, Map<String, Object>> after = null;
        for (Commit c : labels.getOrDefault(label, List.of())) {
            before = c.id().equals(oldCommit) ? c.configs() : before;
            after = c.id().equals(newCommit) ? c.configs() : after;
        }
        if (before == null || after == null) {
            return Optional.empty();
        }
        Set<String> apps = new HashSet<>();
        Set<String> keys = new HashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(before.get(k), after.get(k))) {
                apps.add(k.split(":")[0]);
            }
        }
        return Optional.of(apps);
    }

    /** The commits of {@code label} hold the same (app, profile) pairs. */
    @Override
    public synchronized boolean sameTargets(String repo, String label, String oldCommit, String newCommit) {
        Set<String> before = null;
        Set<String> after = null;
        for (Commit c : labels.getOrDefault(label, List.of())) {
            before = c.id().equals(oldCommit) ? c.configs().keySet() : before;
            after = c.id().equals(newCommit) ? c.configs().keySet() : after;
        }
        return before != null && before.equals(after);
    }

    @Override
    public boolean affects(String repo, String label, Target t) {
        return REPO.equals(repo) && label.equals(t.label());
    }
}
