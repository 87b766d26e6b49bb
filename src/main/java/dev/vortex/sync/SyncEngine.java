package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.RepoState;
import dev.vortex.state.RepoStatus;
import dev.vortex.state.Snapshot;
import dev.vortex.state.StateStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The sync engine: keeps every configured repository's mirror in step with its remotes and
 * publishes which commit each label serves to the {@link StateStore}.
 *
 * <p>Lifecycle: {@link #start()} first serves what state.json (and the mirrors) hold — before any
 * fetch, so every remote may be down — then schedules a sync of every repository now and starts the
 * dispatcher. {@link #trigger} and {@link #triggerAll} ask for runs (API, webhook, SIGHUP);
 * {@link #stop} lets runs in flight finish within a grace period, then interrupts them.
 */
public final class SyncEngine {
    private static final Log LOG = Log.of(SyncEngine.class);

    /** Configuration order, then the repositories templates made in the order made; synchronized, as those join while running. */
    private final Map<String, RepoConfig> repos = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Metrics metrics;
    private final StateStore state;
    private final InstantSource clock;
    private final Scheduler scheduler;
    private final FullReload reloader;
    private final ExecutorService ownedExecutor;

    // Every configured repository and git host has its counters at 0 before its first run.
    private void startAtZero(List<RepoConfig> which) {
        for (RepoConfig r : which) {
            metrics.startAtZero("vortex_sync_runs_total", r.name(), "ok");
            metrics.startAtZero("vortex_sync_runs_total", r.name(), "failed");
            metrics.startAtZero("vortex_commit_refused_total", r.name());
            for (String url : r.urls()) {
                metrics.startAtZero("vortex_domain_requests_total", Urls.host(url));
                metrics.startAtZero("vortex_domain_throttled_total", Urls.host(url));
            }
        }
    }

    /** Production wiring: JGit mirrors, virtual thread per run, waits on the throttle. */
    public SyncEngine(VortexConfig config, Mirrors mirrors, StateStore state, CommitCheck check, Metrics metrics,
                      InstantSource clock) {
        this(config, new MirrorFetchers(mirrors), state, check, metrics, clock,
                Executors.newThreadPerTaskExecutor(runThreads()),
                RandomGenerator.getDefault(), null);
    }

    /**
     * Virtual threads named {@code vortex-sync-N}, numbered here: the builder's own counter is a VarHandle
     * whose first use generates classes, and the first run starts while the first requests are served.
     */
    private static ThreadFactory runThreads() {
        AtomicLong next = new AtomicLong();
        return task -> Thread.ofVirtual().name("vortex-sync-" + next.getAndIncrement()).unstarted(task);
    }

    /**
     * With seams for tests: {@code fetchers} per repository name, the executor runs start on (a direct
     * one runs them inside {@link #runDue()}), the jitter source, and how a throttled run sleeps
     * ({@code null}: wait on the throttle).
     */
    SyncEngine(VortexConfig config, Function<String, Fetcher> fetchers, StateStore state, CommitCheck check, Metrics metrics,
               InstantSource clock, Executor runs, RandomGenerator random, Sleeper sleeper) {
        config.repos().forEach(r -> repos.put(r.name(), r));
        this.metrics = metrics;
        this.state = state;
        this.clock = clock;
        this.ownedExecutor = runs instanceof ExecutorService es ? es : null;
        DomainThrottle throttle = new DomainThrottle(config.throttle().perDomainConcurrency(),
                config.throttle().perDomainPerMinute(), clock, metrics);
        LabelDecider decider = new LabelDecider(check, metrics);
        this.reloader = new FullReload(repos, fetchers, decider, state, clock, metrics);
        RepoSync runner = new RepoSync(repos, fetchers, throttle, decider, state, clock,
                sleeper != null ? sleeper : throttle::awaitRelease, metrics);
        startAtZero(List.copyOf(repos.values()));
        Scheduler.Gate gate = repo -> {
            Duration shortest = null;
            for (String url : Optional.ofNullable(repos.get(repo)).map(RepoConfig::urls).orElse(List.of())) {
                Duration w = throttle.timeUntilCapacity(Urls.host(url));
                shortest = shortest == null || w.compareTo(shortest) < 0 ? w : shortest;
            }
            return shortest == null ? Duration.ZERO : shortest; // none: removed meanwhile, its stale ticket is dropped
        };
        this.scheduler = new Scheduler(new Timing(config.sync(), random), clock,
                new Scheduler.Runs(config.sync().maxConcurrent(), runs, gate, runner),
                new FullReloadTimer.Plan(config.sync().fullReload(), this::fullReload), metrics);
        repos.keySet().forEach(scheduler::add);
    }

    /** Serves state.json's commits (and what the mirrors already hold), then syncs every repository now. */
    public void start() {
        start("startup");
    }

    /**
     * {@link #start()} for an engine that replaces another (a configuration reload): what is served
     * now is kept, state.json's commits are the fallback; {@code source} names the first runs' trigger.
     */
    public void start(String source) {
        serveRestored();
        startSyncing(source);
    }

    /** Serves what is served now, else state.json's commits, moved forward to what the mirrors already hold; no fetch. */
    public void serveRestored() {
        long t0 = System.nanoTime();
        Map<String, Map<String, String>> served = new LinkedHashMap<>(state.stored());
        Map<String, Map<String, List<String>>> fallbacks = new LinkedHashMap<>(state.storedFallbacks());
        // what the check found before a restart (a repository absent there had no broken file); a
        // reload checks again (its search paths may differ)
        Map<String, Map<String, List<BrokenFile>>> trusted = new LinkedHashMap<>();
        state.storedBroken().ifPresent(broken -> repos.keySet().forEach(r -> trusted.put(r, broken.getOrDefault(r, Map.of()))));
        state.snapshot().repos().forEach((repo, s) -> {
            if (!s.commits().isEmpty()) {
                trusted.remove(repo);
                served.put(repo, s.commits());
                Map<String, List<String>> held = new LinkedHashMap<>();
                s.holdbacks().forEach((label, h) -> held.put(label, h.fallbacks()));
                fallbacks.put(repo, held);
            }
        });
        int labels = reloader.restore(served, fallbacks, trusted);
        LOG.info("serving restored state before any fetch", "repos", repos.size(), "labels", labels,
                "ready", waiting().isEmpty(), "duration_ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Syncs every repository now ({@code source} names these runs' trigger) and on its timer from
     * here on. The daemon calls it once it serves (the first fetches would only compete with the
     * start for the CPU).
     */
    public void startSyncing(String source) {
        scheduler.scheduleInitial(clock.instant(), source);
        scheduler.start();
    }

    /** {@link #start()} without the dispatcher thread (tests drive {@link #runDue()}). */
    void prepare() {
        serveRestored();
        scheduler.scheduleInitial(clock.instant(), "startup");
    }

    /** Starts what is due now; for tests. */
    int runDue() {
        return scheduler.runDue();
    }

    /**
     * Stops triggers and the timer; runs in flight may finish within {@code grace}, then they are
     * interrupted; then state.json is flushed. Returns true when every run ended.
     */
    public boolean stop(Duration grace) {
        try {
            boolean clean = scheduler.stop(grace);
            if (ownedExecutor != null) {
                ownedExecutor.shutdownNow();
            }
            state.flush();
            LOG.info("sync engine stopped", "clean", clean);
            return clean;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Asks for a run of {@code repo}: at once when it is idle, else one follow-up a debounce after the
     * current or last run (a burst of triggers is one run). The future completes when a run that
     * started after this call ends.
     *
     * @param source      what asked: {@code api}, {@code webhook}, {@code signal}, … (counted and logged)
     * @param wantCommits commits that must be present for the run to succeed (a webhook's pushed commits)
     * @throws IllegalArgumentException for a repository that is not configured
     */
    public CompletableFuture<SyncResult> trigger(String repo, String source, Set<String> wantCommits) {
        return trigger(repo, source, wantCommits, Set.of());
    }

    /**
     * {@link #trigger(String, String, Set)} for a push: the run fetches {@code refs} (full names) from
     * the primary first and every other ref only if a wanted commit is still missing; when the wanted
     * commits are already in the mirror where the primary's refs say, it publishes without fetching.
     */
    public CompletableFuture<SyncResult> trigger(String repo, String source, Set<String> wantCommits, Set<String> refs) {
        return scheduler.trigger(repo, source, wantCommits, refs);
    }

    /** {@link #trigger} for every repository; keys in configuration order. */
    public Map<String, CompletableFuture<SyncResult>> triggerAll(String source) {
        Map<String, CompletableFuture<SyncResult>> all = new LinkedHashMap<>();
        List.copyOf(repos.keySet()).forEach(r -> all.put(r, trigger(r, source, Set.of())));
        return all;
    }

    /**
     * Adds a repository a template made while running, its mirror open already, and runs its first
     * sync now ({@code source} names the trigger); the future completes when that run ends.
     */
    public CompletableFuture<SyncResult> add(RepoConfig repo, String source) {
        if (repos.putIfAbsent(repo.name(), repo) == null) {
            startAtZero(List.of(repo));
            scheduler.add(repo.name());
        }
        return trigger(repo.name(), source, Set.of());
    }

    /** Stops syncing a repository a template made (its remote does not exist) and stops serving it. */
    public void remove(String repo) {
        scheduler.remove(repo);
        repos.remove(repo);
        state.remove(List.of(repo));
    }

    public List<RepoConfig> repos() {
        return List.copyOf(repos.values());
    }

    /** The status of every repository, in configuration order. */
    public List<RepoReport> status() {
        Snapshot snap = state.snapshot();
        return List.copyOf(repos.keySet()).stream().flatMap(r -> report(r, snap).stream()).toList();
    }

    public Optional<RepoReport> status(String repo) {
        return report(repo, state.snapshot());
    }

    /**
     * Configured repositories whose default label serves no commit yet (what {@code /ready} waits
     * for), in configuration order, each with why; empty when ready. A repository a template made
     * does not count: one application's unreachable repository must not take the daemon out of service.
     */
    public Map<String, String> waiting() {
        Snapshot snap = state.snapshot();
        Map<String, String> waiting = new LinkedHashMap<>();
        for (RepoConfig repo : List.copyOf(repos.values())) {
            if (repo.madeByTemplate()) {
                continue;
            }
            String label = snap.defaultLabel(repo);
            if (snap.servedCommit(repo.name(), label).isEmpty()) {
                waiting.put(repo.name(), whyNotServed(snap, repo.name(), label));
            }
        }
        return waiting;
    }

    private static String whyNotServed(Snapshot snap, String repo, String label) {
        RepoStatus s = snap.repo(repo).map(RepoState::status).orElse(RepoStatus.initial(List.of()));
        if (s.lastRefresh().isEmpty()) {
            return "first sync not finished";
        }
        if (s.lastRefresh().get().result().equals("failed") && s.lastError().isPresent()) {
            return "last sync failed: " + s.lastError().get().message();
        }
        return s.problems().stream().filter(p -> p.label().equals(label)).findFirst()
                .map(p -> "label '" + label + "': commit " + p.commit() + " refused: " + p.problem())
                .orElse("label '" + label + "' has no commit to serve");
    }

    public FullReloadStats fullReloadStats() {
        return reloader.last().withNext(scheduler.nextFullReload());
    }

    /** Empty for a repository not synced (any more). */
    private Optional<RepoReport> report(String repo, Snapshot snap) {
        RepoConfig config = repos.get(repo);
        Optional<SyncEntry.View> view = scheduler.view(repo);
        if (config == null || view.isEmpty()) {
            return Optional.empty();
        }
        SyncEntry.View v = view.get();
        RepoStatus status = snap.repo(repo).map(RepoState::status).orElse(RepoStatus.initial(config.urls()));
        return Optional.of(new RepoReport(repo, snap.defaultLabel(config), snap.commits(repo), status, v.attemptCount(),
                Optional.ofNullable(v.nextAttempt()), v.inProgress(), v.wantCommits()));
    }

    private void fullReload() {
        List<String> claimed = scheduler.claimIdle();
        try {
            reloader.reload(claimed);
        } finally {
            scheduler.release(claimed);
        }
    }

    /** One {@link MirrorFetcher} per repository, made once. */
    private static final class MirrorFetchers implements Function<String, Fetcher> {
        private final Map<String, Fetcher> byRepo = new LinkedHashMap<>();

        private final Mirrors mirrors;

        MirrorFetchers(Mirrors mirrors) {
            this.mirrors = mirrors;
        }

        /** @throws IllegalArgumentException for a repository with no mirror */
        @Override
        public Fetcher apply(String repo) {
            return new MirrorFetcher(mirrors.mirror(repo)); // a wrapper: a template's repositories get their mirror while running
        }
    }
}
