package dev.vortex.bench;

import dev.vortex.config.ConfigException;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.ops.Logging;
import dev.vortex.ops.Metrics;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.sync.CommitCheck;
import dev.vortex.sync.SyncEngine;
import dev.vortex.sync.SyncResult;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * The sync engine against a local smart HTTP git host ({@code git http-backend}):
 * <ol>
 *   <li>a no-change refresh of one repository (trigger to result), alternating with a raw JGit fetch of the same
 *       repository (the baseline);</li>
 *   <li>1,000 repositories on one host with the throttle raised: start until every one has a served commit, and heap
 *       used, beside raw JGit fetching the same 1,000 URLs with the same parallelism;</li>
 *   <li>the same 1,000 with the default throttle for 65 s: the most fetches in flight and the most fetch starts in any
 *       60 s window that the host saw (the throttle promises 5 and 30).</li>
 * </ol>
 */
final class SyncBench {
    private static final int REFRESHES = 200;
    private static final int REPOS = 1000;
    private static final int PARALLEL = 16;
    private static final Duration THROTTLED_RUN = Duration.ofSeconds(65);

    private SyncBench() {
    }

    public static void main(String[] args) throws Exception {
        Table table = new Table();
        run(table);
        System.out.print(table.render());
    }

    static void run(Table table) throws Exception {
        Logging.install("warn");
        Path tmp = Files.createTempDirectory("vortex-bench-sync");
        try {
            TestRepo origin = TestRepo.init(tmp.resolve("origin"));
            for (int i = 0; i < 20; i++) {
                origin.write("app-" + i + ".yml", "server:\n  port: " + (8000 + i) + "\nfeature:\n  flag: " + (i % 2 == 0) + "\n");
            }
            origin.commit("configuration");
            Path served = Files.createDirectories(tmp.resolve("served"));
            GitHttpServer.bareCopy(origin, served, "base.git");
            for (int i = 0; i < REPOS; i++) {
                Files.createSymbolicLink(served.resolve(name(i) + ".git"), served.resolve("base.git"));
            }
            noChangeRefresh(table, tmp, served);
            thousandRepos(table, tmp, served);
            defaultThrottle(table, tmp, served);
        } finally {
            delete(tmp);
        }
    }

    private static void noChangeRefresh(Table table, Path tmp, Path served) throws Exception {
        try (GitHttpServer host = GitHttpServer.start(served);
             Repository raw = new FileRepositoryBuilder().setGitDir(tmp.resolve("raw-one").toFile()).setBare().build()) {
            String url = host.url("base.git");
            raw.create(true);
            // the throttle raised: 240 refreshes in a row would otherwise wait for the 30-per-minute window
            Engine e = Engine.start(tmp.resolve("data-one"), List.of(repo("cfg", url)), "--throttle.per-domain-per-minute=1000000",
                    "--sync.interval=1h", "--sync.debounce=0ms", "--sync.full-reload=0");
            double[] ours = new double[REFRESHES];
            double[] jgit = new double[REFRESHES];
            try {
                while (!e.state.snapshot().servesAll(List.of("cfg"))) {
                    Thread.sleep(10); // the start-up sync serves the repository first
                }
                for (int i = -40; i < REFRESHES; i++) { // alternate, so both see the same JIT and machine; 40 warm-up rounds
                    double o = refresh(e.engine);
                    long t0 = System.nanoTime();
                    rawFetch(raw, url);
                    double j = (System.nanoTime() - t0) / 1e6;
                    if (i >= 0) {
                        ours[i] = o;
                        jgit[i] = j;
                    }
                }
            } finally {
                e.stop();
            }
            table.add("no-change refresh over smart HTTP, p50", percentile(ours, 50), percentile(jgit, 50), "ms");
            table.add("no-change refresh over smart HTTP, p99", percentile(ours, 99), percentile(jgit, 99), "ms");
        }
    }

    /** One refresh, trigger to result, in ms; the baseline is JGit fetching the same URL into a bare repository, nothing else. */
    private static double refresh(SyncEngine engine) throws Exception {
        long t0 = System.nanoTime();
        SyncResult r = engine.trigger("cfg", "bench", Set.of()).get(60, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.error().isPresent() || r.changed()) {
            throw new IllegalStateException("refresh was not a clean no-change run: " + r);
        }
        return ms;
    }

    private static void rawFetch(Repository repo, String url) throws Exception {
        Git.wrap(repo).fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/o/*"))
                .setTagOpt(TagOpt.NO_TAGS).call();
    }

    private static void thousandRepos(Table table, Path tmp, Path served) throws Exception {
        try (GitHttpServer host = GitHttpServer.start(served)) {
            List<RepoConfig> repos = new ArrayList<>();
            for (int i = 0; i < REPOS; i++) {
                repos.add(repo(name(i), host.url(name(i) + ".git")));
            }
            long heapBefore = usedHeap();
            long t0 = System.nanoTime();
            Engine e = Engine.start(tmp.resolve("data-1000"), repos, "--throttle.per-domain-concurrency=" + PARALLEL,
                    "--throttle.per-domain-per-minute=1000000", "--sync.max-concurrent=" + PARALLEL,
                    "--sync.interval=1h", "--sync.full-reload=0");
            double seconds;
            long heapAfter;
            try {
                List<String> names = repos.stream().map(RepoConfig::name).toList();
                while (!e.state.snapshot().servesAll(names)) {
                    Thread.sleep(20);
                }
                seconds = (System.nanoTime() - t0) / 1e9;
                heapAfter = usedHeap();
            } finally {
                e.stop();
            }
            double baseline = rawJGitParallel(tmp.resolve("raw-1000"), repos);
            table.add("1,000 repos, throttle raised: start until all served", seconds, baseline, "s");
            table.add("heap used serving 1,000 repos (vs before start)", heapAfter / 1048576.0, heapBefore / 1048576.0, "MiB");
        }
    }

    /** The baseline: {@link #PARALLEL} threads fetching every URL once into fresh bare repositories. */
    private static double rawJGitParallel(Path dir, List<RepoConfig> repos) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (RepoConfig r : repos) {
                done.add(pool.submit(() -> {
                    try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(r.name() + ".git").toFile())
                            .setBare().build()) {
                        repo.create(true);
                        rawFetch(repo, r.primaryUrl());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void defaultThrottle(Table table, Path tmp, Path served) throws Exception {
        try (GitHttpServer host = GitHttpServer.start(served)) {
            List<RepoConfig> repos = new ArrayList<>();
            for (int i = 0; i < REPOS; i++) {
                repos.add(repo(name(i), host.url(name(i) + ".git")));
            }
            Engine e = Engine.start(tmp.resolve("data-throttled"), repos);
            int servedRepos;
            try {
                Thread.sleep(THROTTLED_RUN.toMillis());
                servedRepos = (int) repos.stream().filter(r -> !e.state.snapshot().commits(r.name()).isEmpty()).count();
            } finally {
                e.stop();
            }
            String over = " (default throttle, " + REPOS + " repos, " + THROTTLED_RUN.toSeconds() + " s)";
            table.add("max fetches in flight the host saw" + over, Integer.toString(host.maxInFlight()), "limit 5");
            table.add("max fetch starts in any 60 s window the host saw" + over,
                    Integer.toString(host.maxStartsWithin(Duration.ofSeconds(60))), "limit 30");
            table.add("repos served after " + THROTTLED_RUN.toSeconds() + " s" + over, Integer.toString(servedRepos),
                    "fetches in all: " + host.fetchStarts().size());
        }
    }

    /** One engine over its own data directory, as the daemon wires it. */
    private record Engine(Mirrors mirrors, StateStore state, SyncEngine engine) {
        static Engine start(Path dataDir, List<RepoConfig> repos, String... flags) throws IOException, ConfigException {
            List<String> args = new ArrayList<>(List.of("--data-dir=" + dataDir));
            args.addAll(Arrays.asList(flags));
            VortexConfig config = ConfigLoader.load(args, Map.of()).withRepos(repos, false);
            Metrics metrics = new Metrics();
            Mirrors mirrors = Mirrors.open(config, InstantSource.system());
            StateStore state = new StateStore(StateFile.in(dataDir), metrics);
            SyncEngine engine = new SyncEngine(config, mirrors, state, CommitCheck.acceptAll(), metrics, InstantSource.system());
            engine.start();
            return new Engine(mirrors, state, engine);
        }

        void stop() {
            engine.stop(Duration.ofSeconds(1));
            mirrors.close();
        }
    }

    private static RepoConfig repo(String name, String url) {
        return new RepoConfig(name, List.of(url), List.of("*"), "main", List.of(), List.of(), Optional.empty());
    }

    private static String name(int i) {
        return String.format("r%04d", i);
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
