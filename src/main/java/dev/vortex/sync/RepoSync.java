package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.PushTimeline;
import dev.vortex.state.Holdback;
import dev.vortex.state.RepoState;
import dev.vortex.state.RepoStatus;
import dev.vortex.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One run of one repository, start to end: step a {@link SyncRun} through its URLs (waiting out the
 * throttle), decide the labels, publish moved labels at once (listeners render and push them on
 * this thread), then the status, then count and log one line, then the mirror's gc when due; state.json
 * is written behind.
 */
final class RepoSync implements Scheduler.Runner {
    private static final Log LOG = Log.of(RepoSync.class);

    private final Map<String, RepoConfig> repos;
    private final Function<String, Fetcher> fetchers;
    private final DomainThrottle throttle;
    private final LabelDecider decider;
    private final StateStore state;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final Metrics.Counter runs;
    private final Metrics.Histogram duration;
    private final Metrics.Gauge lastSuccess;
    private final Metrics.Counter fetchedCommits;

    RepoSync(Map<String, RepoConfig> repos, Function<String, Fetcher> fetchers, DomainThrottle throttle, LabelDecider decider,
             StateStore state, InstantSource clock, Sleeper sleeper, Metrics metrics) {
        this.repos = repos;
        this.fetchers = fetchers;
        this.throttle = throttle;
        this.decider = decider;
        this.state = state;
        this.clock = clock;
        this.sleeper = sleeper;
        this.runs = metrics.counter("vortex_sync_runs_total", "Sync runs by repository and result (ok, failed)", "repo", "result");
        this.duration = metrics.histogram("vortex_sync_duration_seconds", "Duration of sync runs", Metrics.latencyBuckets());
        this.lastSuccess = metrics.gauge("vortex_repo_last_success_timestamp_seconds",
                "Unix time of the last successful sync run", "repo");
        this.fetchedCommits = metrics.counter("vortex_fetch_commits_total", "Commits fetched that the mirror did not have");
    }

    @Override
    public Scheduler.RunOutcome run(Scheduler.RunRequest request) {
        RepoConfig repo = repos.get(request.repo());
        Fetcher fetcher = fetchers.apply(repo.name());
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        PushTimeline.mark(repo.name(), "run started");
        SyncRun run = new SyncRun(repo, request.wantCommits(), request.refs(), request.announced(), fetcher, throttle);
        String interruption = drive(run);
        PushTimeline.mark(repo.name(), "fetched");
        Map<String, String> before = state.snapshot().commits(repo.name());
        Map<String, String> commits = before;
        List<RepoStatus.Problem> problems = null;
        String decideError = null;
        RepoState previousState = state.snapshot().repo(repo.name()).orElse(null);
        Optional<String> chosen = previousState == null ? Optional.empty() : previousState.defaultLabel();
        Map<String, Holdback> held = previousState == null ? Map.of() : previousState.holdbacks();
        LabelDecider.Decision decision = null;
        if (run.anyFetchOk()) {
            try {
                LabelDecider.Decision d = run.primaryReached()
                        ? decider.followPrimary(repo, before, held, fetcher, clock.instant())
                        : decider.fastForward(repo, before, held, okUrls(run), fetcher, false, clock.instant());
                decision = d;
                commits = d.commits();
                held = d.holdbacks();
                problems = d.problems();
                decideError = d.defaultLabel().error().orElse(null);
                chosen = followed(repo, d.defaultLabel(), chosen);
            } catch (IOException | RuntimeException e) {
                decideError = "read the refs of mirror " + repo.name() + ": " + e.getMessage();
            }
        }
        PushTimeline.mark(repo.name(), "labels decided");
        String failure = failure(run, interruption, decideError);
        boolean success = run.succeeded() && failure == null;
        boolean changed = !commits.equals(before);
        RepoStatus previous = previousState == null ? RepoStatus.initial(repo.urls()) : previousState.status();
        if (changed) {
            state.publish(repo.name(), new RepoState(commits, previous, chosen, held)); // the new commit before the run's bookkeeping
            PushTimeline.mark(repo.name(), "published");
        }
        Instant end = clock.instant();
        long ms = Duration.between(start, end).toMillis();
        List<SyncStep.TriedUrl> failedFetches = run.tried().values().stream().filter(t -> !t.ok()).toList();
        Optional<String> error = success ? refusals(problems)
                : Optional.of(failure != null ? failure : failedFetches.get(0).error().orElseThrow());
        Optional<RepoStatus.RepoError> runError = failure != null
                ? Optional.of(new RepoStatus.RepoError(end, failure, Optional.empty()))
                : failedFetches.stream().findFirst().map(t -> new RepoStatus.RepoError(end, t.error().orElseThrow(), Optional.of(t.url())));
        state.publish(repo.name(), new RepoState(commits,
                status(repo, previous, run, success, changed, request.trigger(), end, ms, runError, problems), chosen, held));
        PushTimeline.mark(repo.name(), "status published");
        if (decision != null) {
            decider.warnRewrites(repo, decision, fetcher);
        }
        record(repo, run, request.trigger(), success, changed, commits, end, ms, startNanos, error);
        PushTimeline.mark(repo.name(), "recorded");
        housekeep(repo, run, fetcher);
        return new Scheduler.RunOutcome(success, new SyncResult(changed, commits, ms, error),
                interruption == null ? run.missingWants() : request.wantCommits());
    }

    /**
     * The default label a repository without {@code default-label} serves after this run: the one
     * chosen now (logged when it changes), else the one chosen before.
     */
    static Optional<String> followed(RepoConfig repo, DefaultLabelChoice choice, Optional<String> before) {
        if (repo.defaultLabel().isPresent() || choice.label().isEmpty()) {
            return repo.defaultLabel().isPresent() ? Optional.empty() : before;
        }
        if (!choice.label().equals(before)) {
            LOG.info("default label chosen", "repo", repo.name(), "label", choice.label().get(), "how", choice.how(),
                    "before", before.orElse("none"));
        }
        return choice.label();
    }

    /** Why the run failed beyond single URLs failing (those are in {@code tried}), most telling first; null if it did not. */
    private static String failure(SyncRun run, String interruption, String decideError) {
        if (decideError != null) {
            return decideError;
        }
        if (interruption != null) {
            return interruption;
        }
        if (run.anyFetchOk() && !run.missingWants().isEmpty()) {
            return "wanted commit" + (run.missingWants().size() > 1 ? "s " : " ") + String.join(", ", run.missingWants())
                    + " not found at any URL";
        }
        return null;
    }

    /** The commit check's findings of a successful run (refused commits, files that do not parse), as the result's error. */
    private static Optional<String> refusals(List<RepoStatus.Problem> problems) {
        if (problems == null || problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(problems.stream().map(p -> "label " + p.label() + ": commit " + p.commit()
                        + (p.file().isPresent() ? ": " : " refused: ") + p.problem())
                .collect(Collectors.joining("; ")));
    }

    /** Metrics and the one log line of a run. */
    private void record(RepoConfig repo, SyncRun run, String trigger, boolean success, boolean changed, Map<String, String> commits,
                        Instant end, long ms, long startNanos, Optional<String> error) {
        String result = success ? "ok" : "failed";
        runs.inc(repo.name(), result);
        duration.observeSince(startNanos);
        if (success) {
            lastSuccess.set(end.toEpochMilli() / 1000.0, repo.name());
        }
        int fetched = run.tried().values().stream().mapToInt(SyncStep.TriedUrl::newCommits).sum();
        fetchedCommits.add(fetched);
        Object[] kv = {"repo", repo.name(), "trigger", trigger, "result", result, "changed", changed,
            "commits", commits.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue().substring(0, 12)).collect(Collectors.joining(",")),
            "fetched", fetched, "fetch", run.primaryFetch(), "duration_ms", ms,
            "tried", run.tried().values().stream().map(SyncStep.TriedUrl::url).collect(Collectors.joining(",")),
            "error", error.orElse("")};
        if (success && error.isEmpty()) {
            LOG.info("sync", kv);
        } else {
            LOG.warn("sync", kv);
        }
    }

    /**
     * The mirror's git gc when due, after the run published and recorded: a fetch never repacks, so a
     * push reaches the clients first. Only after a fetch that brought commits (one that brought
     * nothing wrote no pack: an idle refresh does not even look); a failure is logged and leaves the
     * run's result as it was.
     */
    private void housekeep(RepoConfig repo, SyncRun run, Fetcher fetcher) {
        if (run.tried().values().stream().mapToInt(SyncStep.TriedUrl::newCommits).sum() == 0) {
            return;
        }
        Instant start = clock.instant();
        try {
            if (fetcher.gcIfDue()) {
                LOG.info("mirror gc", "repo", repo.name(), "duration_ms", Duration.between(start, clock.instant()).toMillis());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("mirror gc failed", "repo", repo.name(), "err", e.getMessage());
        }
    }

    /** Steps the run to its end; returns why it stopped early, or null. */
    private String drive(SyncRun run) {
        while (true) {
            SyncStep step = run.step();
            switch (step) {
                case SyncStep.Complete c -> {
                    return null;
                }
                case SyncStep.NoMoreUrls n -> {
                    return null;
                }
                case SyncStep.TriedUrl t -> {
                    // the next step decides whether to go on
                }
                case SyncStep.Throttled t -> {
                    try {
                        sleeper.sleep(t.delay());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return "interrupted while waiting for the throttle (shutting down)";
                    }
                }
            }
        }
    }

    private static List<String> okUrls(SyncRun run) {
        return run.tried().entrySet().stream().filter(e -> e.getValue().ok()).map(Map.Entry::getKey).toList();
    }

    private static RepoStatus status(RepoConfig repo, RepoStatus prev, SyncRun run, boolean success, boolean changed,
                                     String trigger, Instant end, long ms, Optional<RepoStatus.RepoError> runError,
                                     List<RepoStatus.Problem> problems) {
        List<RepoStatus.MirrorStatus> mirrors = new ArrayList<>();
        for (int i = 0; i < repo.urls().size(); i++) {
            String url = repo.urls().get(i);
            SyncStep.TriedUrl t = run.tried().get(url);
            if (t != null) {
                mirrors.add(new RepoStatus.MirrorStatus(url, t.ok() ? "ok" : "failed", Optional.of(end), t.error(), t.newCommits()));
            } else {
                mirrors.add(i < prev.mirrors().size() ? prev.mirrors().get(i) : RepoStatus.MirrorStatus.never(url));
            }
        }
        return new RepoStatus(Optional.of(new RepoStatus.Refresh(end, ms, success ? "ok" : "failed", changed, trigger)),
                success ? Optional.of(end) : prev.lastSuccess(), runError.or(prev::lastError),
                prev.runsOk() + (success ? 1 : 0), prev.runsFailed() + (success ? 0 : 1),
                mirrors, problems == null ? prev.problems() : problems);
    }
}
