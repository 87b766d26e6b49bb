package dev.vortex.bench;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.render.Inventory;
import dev.vortex.render.Renderer;
import dev.vortex.render.ResolvedCommit;
import dev.vortex.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Rendering a commit of a 1,000-file configuration repository (499 applications with a YAML
 * file and a profile {@code .properties} file each, plus {@code application.yml}): the check,
 * the inventory, and the Environment JSON plus the effective configuration of every
 * (application, prod) — what the daemon does when a label moves. Cold (a fresh renderer: every
 * file parsed) and for a commit changing one file (warm: one file re-parsed, every response
 * rendered again), the cold figure being the baseline.
 */
final class RenderBench {
    private static final int APPS = 499;
    private static final int RUNS = 5;

    private RenderBench() {
    }

    public static void main(String[] args) throws Exception {
        Table table = new Table();
        run(table);
        System.out.print(table.render());
    }

    static void run(Table table) throws Exception {
        Path dir = Files.createTempDirectory("vortex-bench-render");
        TestRepo repo = TestRepo.init(dir.resolve("cfg"));
        repo.write("application.yml", "logging:\n  level:\n    root: INFO\nshared:\n  timeout: 5s\n");
        for (int i = 0; i < APPS; i++) {
            repo.write("app" + i + ".yml", appYaml(i, 0)).write("app" + i + "-prod.properties", appProperties(i));
        }
        String c1 = repo.commit("1000 files");
        RepoConfig config = new RepoConfig("bench", List.of("https://git.example.com/bench.git"), List.of("*"), "main",
                List.of(), List.of(), Optional.empty());
        try (Repository git = new FileRepositoryBuilder().setGitDir(repo.dir().resolve(".git").toFile()).build()) {
            ResolvedCommit first = new ResolvedCommit(git, ObjectId.fromString(c1));
            fullRender(new Renderer(new Metrics(), new VortexConfig.Render(256L << 20)), config, first); // JIT warm-up
            double[] cold = new double[RUNS];
            double[] incremental = new double[RUNS];
            long reparsed = 0;
            for (int run = 0; run < RUNS; run++) {
                Metrics metrics = new Metrics();
                Renderer renderer = new Renderer(metrics, new VortexConfig.Render(256L << 20));
                long t0 = System.nanoTime();
                fullRender(renderer, config, first);
                cold[run] = (System.nanoTime() - t0) / 1e6;
                long before = parseEntries(metrics);
                String c2 = repo.write("app7.yml", appYaml(7, run + 1)).commit("change app7 #" + run);
                ResolvedCommit second = new ResolvedCommit(git, ObjectId.fromString(c2));
                long t1 = System.nanoTime();
                fullRender(renderer, config, second);
                incremental[run] = (System.nanoTime() - t1) / 1e6;
                reparsed = parseEntries(metrics) - before;
            }
            table.add("render cold commit, 1,000 files (check + inventory + " + APPS + " envs, median)",
                    StartupBench.median(cold), 0, "ms");
            table.add("render commit changing 1 of 1,000 files (median)", StartupBench.median(incremental),
                    StartupBench.median(cold), "ms");
            table.add("files re-parsed for that commit", Long.toString(reparsed), "parse cache by blob id");
            singleRequest(table, config, git, first);
        }
    }

    // one environment: rendered (warm parse cache, byte cache miss) vs served from the byte cache
    private static void singleRequest(Table table, RepoConfig config, Repository git, ResolvedCommit at) {
        Renderer renderer = new Renderer(new Metrics(), new VortexConfig.Render(256L << 20));
        fullRender(renderer, config, at);
        int n = 200_000;
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += renderer.environment(config, at, "app" + (i % APPS), "prod", null).body().length;
        }
        double hitMicros = (System.nanoTime() - t0) / 1e3 / n;
        int m = 2_000;
        long t1 = System.nanoTime();
        for (int i = 0; i < m; i++) {
            // a label never asked before: a byte-cache miss, files already parsed
            sink += renderer.environment(config, at, "app" + (i % APPS), "prod", "l" + i).body().length;
        }
        double missMicros = (System.nanoTime() - t1) / 1e3 / m;
        table.add("GET /{app}/prod served from byte cache (in-process)", hitMicros, missMicros, "µs");
        if (sink == 42) {
            System.out.println();
        }
    }

    private static void fullRender(Renderer renderer, RepoConfig config, ResolvedCommit at) {
        if (!renderer.check(config, at.git(), at.commit()).isEmpty()) {
            throw new IllegalStateException("bench repository does not parse");
        }
        Inventory inv = renderer.inventory(config, at);
        for (String app : inv.apps()) {
            renderer.environment(config, at, app, "prod", null);
            renderer.effective(config, at, app, "prod", null);
        }
    }

    private static long parseEntries(Metrics metrics) {
        return metrics.scrape().lines().filter(l -> l.startsWith("vortex_parse_cache_entries "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
    }

    private static String appYaml(int i, int version) {
        StringBuilder sb = new StringBuilder();
        sb.append("server:\n  port: ").append(8000 + i).append("\n  limits:\n    max-connections: ").append(100 + version)
                .append("\n    timeout-ms: 5000\n");
        sb.append("database:\n  url: jdbc:postgresql://db").append(i).append(".local:5432/app").append(i)
                .append("\n  pool:\n    min: 2\n    max: 10\n  replicas:\n");
        for (int r = 0; r < 3; r++) {
            sb.append("    - host: replica-").append(r).append(".local\n      port: ").append(5432 + r).append('\n');
        }
        sb.append("features: [alpha, beta, gamma]\n");
        sb.append("greeting:\n  message: Hello from app").append(i).append(" to ${shared.timeout}\n");
        sb.append("custom:\n");
        for (int k = 0; k < 10; k++) {
            sb.append("  key").append(k).append(": value-").append(k).append('\n');
        }
        return sb.toString();
    }

    private static String appProperties(int i) {
        StringBuilder sb = new StringBuilder();
        sb.append("server.port=").append(9000 + i).append('\n');
        sb.append("database.url=jdbc:postgresql://prod-db").append(i).append(":5432/app\n");
        sb.append("database.pool.max=50\nfeatures[0]=alpha\nfeatures[1]=prod-only\n");
        for (int k = 0; k < 5; k++) {
            sb.append("prod.key").append(k).append("=value-").append(k).append('\n');
        }
        return sb.toString();
    }
}
