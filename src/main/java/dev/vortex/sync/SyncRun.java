package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One sync of one repository, driven a step at a time: each {@link #step()} fetches one URL, or says
 * the run must wait for the throttle, or that it is over. The primary URL goes first whenever its
 * host has capacity (it decides the labels); other URLs follow host by host, hosts with capacity
 * first, taking turns among one host's URLs. Not thread-safe: one thread drives a run.
 *
 * <p>A push (wanted commits and the refs it moved) takes a fast path: when the primary's namespace
 * already has each pushed ref at a wanted commit (an earlier run fetched it), the run is complete
 * without fetching; otherwise the primary fetches the pushed refs first and every ref only if a
 * wanted commit is still missing.
 */
final class SyncRun {
    private final RepoConfig repo;
    private final Fetcher fetcher;
    private final DomainThrottle throttle;
    private final Set<String> missing;
    private final Set<String> refs;
    private final Map<String, String> announced;
    private final Map<String, SyncStep.TriedUrl> tried = new LinkedHashMap<>();
    private boolean anyOk;
    /** Complete from what the mirror held, without a fetch. */
    private boolean local;
    /** What the primary fetched: {@code refs} (only the pushed refs) or {@code all}; empty until it fetched. */
    private String primaryFetch = "";

    /**
     * @param refs      refs a push named (full names), fetched first; empty for a run that fetches everything
     * @param announced ref → the wanted commit a push said it points to now: a hint for that first fetch
     */
    SyncRun(RepoConfig repo, Set<String> wantCommits, Set<String> refs, Map<String, String> announced, Fetcher fetcher,
            DomainThrottle throttle) {
        this.repo = repo;
        this.fetcher = fetcher;
        this.throttle = throttle;
        this.missing = new LinkedHashSet<>(wantCommits);
        this.refs = missing.isEmpty() ? Set.of() : Set.copyOf(refs);
        Map<String, String> hints = new LinkedHashMap<>(announced);
        hints.entrySet().removeIf(a -> !this.refs.contains(a.getKey()) || !missing.contains(a.getValue()));
        this.announced = Map.copyOf(hints);
    }

    SyncStep step() {
        if (tried.isEmpty() && !anyOk && !refs.isEmpty() && alreadyHere()) {
            local = true;
            anyOk = true;
            missing.clear();
        }
        if (anyOk && missing.isEmpty()) {
            return new SyncStep.Complete();
        }
        List<String> untried = repo.urls().stream().filter(u -> !tried.containsKey(u)).toList();
        if (untried.isEmpty()) {
            return new SyncStep.NoMoreUrls();
        }
        String primary = repo.primaryUrl();
        if (untried.contains(primary)) {
            Optional<DomainThrottle.Permit> permit = throttle.tryAcquire(Urls.host(primary));
            if (permit.isPresent()) {
                return fetch(primary, permit.get());
            }
        }
        Map<String, List<String>> byHost = new LinkedHashMap<>();
        for (String url : untried) {
            if (!url.equals(primary)) {
                byHost.computeIfAbsent(Urls.host(url), h -> new ArrayList<>()).add(url);
            }
        }
        for (Map.Entry<String, List<String>> host : byHost.entrySet()) {
            Optional<DomainThrottle.Permit> permit = throttle.tryAcquire(host.getKey());
            if (permit.isPresent()) {
                return fetch(throttle.pick(host.getKey(), host.getValue()), permit.get());
            }
        }
        Duration wait = null;
        for (String url : untried) {
            Duration w = throttle.timeUntilCapacity(Urls.host(url));
            if (wait == null || w.compareTo(wait) < 0) {
                wait = w;
            }
        }
        return new SyncStep.Throttled(wait);
    }

    private SyncStep fetch(String url, DomainThrottle.Permit permit) {
        SyncStep.TriedUrl result;
        try (permit) {
            int n;
            if (url.equals(repo.primaryUrl()) && !refs.isEmpty()) {
                n = fetchPushedRefs(url);
                missing.removeIf(this::present);
                primaryFetch = missing.isEmpty() ? "refs" : "all";
                n += missing.isEmpty() ? 0 : fetcher.fetch(url); // the push's commit is not where its refs point: fetch the rest
            } else {
                n = fetcher.fetch(url);
                primaryFetch = url.equals(repo.primaryUrl()) ? "all" : primaryFetch;
            }
            anyOk = true;
            result = new SyncStep.TriedUrl(Urls.redact(url), true, n, Optional.empty());
        } catch (IOException | RuntimeException e) {
            int index = repo.urls().indexOf(url);
            String where = repo.urls().size() == 1 ? "" : index == 0 ? " (primary)" : " (mirror " + (index + 1) + " of " + repo.urls().size() + ")";
            result = new SyncStep.TriedUrl(Urls.redact(url), false, 0,
                    Optional.of("fetch " + Urls.redact(url) + where + ": " + e.getMessage()));
        }
        tried.put(url, result);
        if (result.ok()) {
            missing.removeIf(this::present);
        }
        return result;
    }

    /** The pushed refs of the primary; none when it no longer has one of them (deleted since the push), then the full fetch follows. */
    private int fetchPushedRefs(String url) {
        try {
            return fetcher.fetchRefs(url, refs, announced);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The primary's namespace has each pushed ref at a wanted commit, and every wanted commit is in
     * the mirror. The refs first: a push that is news (the usual case) is answered by the pushed refs'
     * values in the namespace, not by an object lookup that misses (a miss makes JGit scan the pack
     * directory again).
     */
    private boolean alreadyHere() {
        try {
            for (String ref : refs) {
                String label = ref.substring(ref.startsWith("refs/heads/") ? "refs/heads/".length() : "refs/tags/".length());
                if (!fetcher.label(repo.primaryUrl(), label).filter(missing::contains).isPresent()) {
                    return false;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return missing.stream().allMatch(this::present);
    }

    private boolean present(String commit) {
        try {
            return fetcher.hasCommit(commit);
        } catch (IOException e) {
            return false;
        }
    }

    /** The URLs tried so far, in order, with how each went. Keys are the configured (unredacted) URLs. */
    Map<String, SyncStep.TriedUrl> tried() {
        return tried;
    }

    boolean anyFetchOk() {
        return anyOk;
    }

    /** True when the primary was fetched in this run, or its refs already held the push (nothing to fetch). */
    boolean primaryReached() {
        SyncStep.TriedUrl p = tried.get(repo.primaryUrl());
        return local || p != null && p.ok();
    }

    /** How the primary was read, for the log: {@code none} (the push was already here), {@code refs}, {@code all}, or empty if not. */
    String primaryFetch() {
        return local ? "none" : primaryFetch;
    }

    /** Wanted commits not (yet) in the mirror. */
    Set<String> missingWants() {
        return Set.copyOf(missing);
    }

    boolean succeeded() {
        return anyOk && missing.isEmpty();
    }
}
