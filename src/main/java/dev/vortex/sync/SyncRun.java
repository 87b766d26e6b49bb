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
 */
final class SyncRun {
    private final RepoConfig repo;
    private final Fetcher fetcher;
    private final DomainThrottle throttle;
    private final Set<String> missing;
    private final Map<String, SyncStep.TriedUrl> tried = new LinkedHashMap<>();
    private boolean anyOk;

    SyncRun(RepoConfig repo, Set<String> wantCommits, Fetcher fetcher, DomainThrottle throttle) {
        this.repo = repo;
        this.fetcher = fetcher;
        this.throttle = throttle;
        this.missing = new LinkedHashSet<>(wantCommits);
    }

    SyncStep step() {
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
            int n = fetcher.fetch(url);
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

    boolean primaryReached() {
        SyncStep.TriedUrl p = tried.get(repo.primaryUrl());
        return p != null && p.ok();
    }

    /** Wanted commits not (yet) in the mirror. */
    Set<String> missingWants() {
        return Set.copyOf(missing);
    }

    boolean succeeded() {
        return anyOk && missing.isEmpty();
    }
}
