package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.Holdback;
import dev.vortex.state.RepoState;
import dev.vortex.state.RepoStatus;
import dev.vortex.state.Snapshot;
import dev.vortex.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Re-resolves repositories from their mirrors without fetching, and publishes them all in one write.
 * At start it restores what state.json served (commits the mirror still has) and lets labels
 * fast-forward to what the mirror already holds, so the daemon serves before any fetch; on the
 * full-reload timer it re-checks every served commit too (consistency recovery).
 */
final class FullReload {
    private static final Log LOG = Log.of(FullReload.class);

    private final Map<String, RepoConfig> repos;
    private final Function<String, Fetcher> fetchers;
    private final LabelDecider decider;
    private final StateStore state;
    private final InstantSource clock;
    private final Metrics.Counter reloads;
    private final Metrics.Histogram duration;
    private volatile FullReloadStats last = FullReloadStats.none();

    FullReload(Map<String, RepoConfig> repos, Function<String, Fetcher> fetchers, LabelDecider decider, StateStore state,
               InstantSource clock, Metrics metrics) {
        this.repos = repos;
        this.fetchers = fetchers;
        this.decider = decider;
        this.state = state;
        this.clock = clock;
        this.reloads = metrics.counter("vortex_full_reload_total", "Full reloads of every repository from its mirror");
        this.duration = metrics.histogram("vortex_full_reload_duration_seconds", "Duration of full reloads",
                new double[] {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300});
    }

    /**
     * Serves what state.json held, moved forward to what the mirror already has, with the fallbacks
     * of labels whose commit has broken files. {@code trusted}: per repository and label, what the check
     * of an earlier process found in the stored commit (repositories absent are checked again). Returns
     * labels served.
     */
    int restore(Map<String, Map<String, String>> stored, Map<String, Map<String, List<String>>> fallbacks,
                Map<String, Map<String, List<BrokenFile>>> trusted) {
        Map<String, RepoState> updates = new LinkedHashMap<>();
        int labels = 0;
        for (RepoConfig repo : List.copyOf(repos.values())) {
            Fetcher f = fetchers.apply(repo.name());
            Map<String, String> commits = present(repo, stored.getOrDefault(repo.name(), Map.of()), f);
            List<RepoStatus.Problem> problems = List.of();
            Map<String, List<BrokenFile>> broken = trusted.get(repo.name());
            if (broken != null) {
                commits.forEach((label, commit) -> decider.trust(repo.name(), commit, broken.getOrDefault(label, List.of())));
            }
            Map<String, Holdback> held = restoredHoldbacks(fallbacks.getOrDefault(repo.name(), Map.of()),
                    broken == null ? Map.of() : broken, f);
            Optional<String> chosen = Optional.empty();
            try {
                LabelDecider.Decision d = decider.fastForward(repo, commits, held, repo.urls(), f, false, clock.instant());
                commits = d.commits();
                problems = d.problems();
                held = d.holdbacks();
                chosen = RepoSync.followed(repo, d.defaultLabel(), chosen);
            } catch (IOException | RuntimeException e) {
                LOG.error("mirror refs unreadable at start, serving state.json only", "repo", repo.name(), "err", e.getMessage());
            }
            updates.put(repo.name(), new RepoState(commits, carriedStatus(repo).withProblems(problems), chosen, held));
            labels += commits.size();
        }
        state.publishAll(updates);
        return labels;
    }

    /** After a configuration reload, a repository whose URLs did not change keeps its status; else it starts afresh. */
    private RepoStatus carriedStatus(RepoConfig repo) {
        return state.snapshot().repo(repo.name()).map(RepoState::status)
                .filter(s -> s.mirrors().stream().map(RepoStatus.MirrorStatus::url).toList().equals(repo.urls()))
                .orElse(RepoStatus.initial(repo.urls()));
    }

    /** Re-resolves and re-checks {@code names} (claimed by the caller, so no run publishes them meanwhile). */
    FullReloadStats reload(List<String> names) {
        long startNanos = System.nanoTime();
        Snapshot snap = state.snapshot();
        Map<String, RepoState> updates = new LinkedHashMap<>();
        int changed = 0;
        int problems = 0;
        int errors = 0;
        for (String name : names) {
            RepoConfig repo = repos.get(name);
            if (repo == null) {
                continue; // a template's repository removed since the claim
            }
            Fetcher f = fetchers.apply(name);
            Map<String, String> served = snap.commits(name);
            RepoStatus prev = snap.repo(name).map(RepoState::status).orElse(RepoStatus.initial(repo.urls()));
            Map<String, Holdback> held = snap.repo(name).map(RepoState::holdbacks).orElse(Map.of());
            Optional<String> chosen = snap.repo(name).flatMap(RepoState::defaultLabel);
            try {
                LabelDecider.Decision d = decider.fastForward(repo, present(repo, served, f), held, repo.urls(), f, true,
                        clock.instant());
                changed += countChanged(served, d.commits());
                problems += d.problems().size();
                updates.put(name, new RepoState(d.commits(), prev.withProblems(d.problems()),
                        RepoSync.followed(repo, d.defaultLabel(), chosen), d.holdbacks()));
            } catch (IOException | RuntimeException e) {
                errors++;
                LOG.error("full reload could not read the mirror, repository keeps its state", "repo", name, "err", e.getMessage());
            }
        }
        state.publishAll(updates);
        long ms = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        reloads.inc();
        duration.observeSince(startNanos);
        Instant now = clock.instant();
        last = new FullReloadStats(last.count() + 1, Optional.of(now), ms, updates.size(), changed, problems, errors, Optional.empty());
        LOG.info("full reload", "repos", updates.size(), "labels_changed", changed, "problems", problems, "errors", errors,
                "duration_ms", ms);
        return last;
    }

    FullReloadStats last() {
        return last;
    }

    /** The labels whose commit the mirror still has (a recreated mirror lost them until the next fetch). */
    private static Map<String, String> present(RepoConfig repo, Map<String, String> commits, Fetcher f) {
        Map<String, String> kept = new LinkedHashMap<>();
        commits.forEach((label, commit) -> {
            try {
                if (f.hasCommit(commit)) {
                    kept.put(label, commit);
                    return;
                }
            } catch (IOException e) {
                // reported below like a missing commit
            }
            LOG.warn("served commit missing from the mirror, dropped until a fetch brings it", "repo", repo.name(),
                    "label", label, "commit", commit);
        });
        return kept;
    }

    /** The fallbacks and broken files state.json kept, as holdbacks (the check fills in broken files it was not told). */
    private static Map<String, Holdback> restoredHoldbacks(Map<String, List<String>> fallbacks,
                                                           Map<String, List<BrokenFile>> broken, Fetcher f) {
        Map<String, Holdback> held = new TreeMap<>();
        fallbacks.forEach((label, older) -> held.put(label, new Holdback(broken.getOrDefault(label, List.of()),
                older.stream().filter(c -> hasCommit(f, c)).toList())));
        broken.forEach((label, files) -> held.putIfAbsent(label, new Holdback(files, List.of())));
        return held;
    }

    private static boolean hasCommit(Fetcher f, String commit) {
        try {
            return f.hasCommit(commit);
        } catch (IOException e) {
            return false;
        }
    }

    private static int countChanged(Map<String, String> before, Map<String, String> after) {
        int n = 0;
        for (String label : before.keySet()) {
            if (!Objects.equals(before.get(label), after.get(label))) {
                n++;
            }
        }
        for (String label : after.keySet()) {
            if (!before.containsKey(label)) {
                n++;
            }
        }
        return n;
    }
}
