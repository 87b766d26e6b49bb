package dev.vortex.bench;

import dev.vortex.config.ConfigLoader;
import dev.vortex.config.RemoteAccess;
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
import dev.vortex.testing.OpenSshServer;
import dev.vortex.testing.TestRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Refreshes over SSH against a real OpenSSH server (sshd + git-shell on 127.0.0.1), each beside a
 * raw {@code git fetch} over the same sshd with the same key and known_hosts, alternating in one run:
 * a no-change refresh, and a refresh that brings one new commit (trigger to result).
 */
final class SshBench {
    private static final int ROUNDS = 15;
    private static final int WARMUP = 3;

    private SshBench() {
    }

    static void run(Table table) throws Exception {
        Logging.install("warn");
        Path tmp = Files.createTempDirectory("vortex-bench-ssh");
        try (OpenSshServer sshd = OpenSshServer.start(tmp.resolve("sshd"))) {
            TestRepo origin = TestRepo.init(tmp.resolve("origin"));
            for (int i = 0; i < 20; i++) {
                origin.write("app-" + i + ".yml", "server:\n  port: " + (8000 + i) + "\n");
            }
            origin.commit("configuration");
            String url = sshd.serve(origin, "cfg.git");
            Path key = OpenSshServer.newClientKey(tmp.resolve("keys"), "bench", "ed25519", "");
            sshd.authorize(Path.of(key + ".pub"));
            Path hosts = Files.writeString(tmp.resolve("known_hosts"), sshd.knownHostsLine());
            var access = new RemoteAccess(new RemoteAccess.Ssh(Optional.of(key), Optional.empty(), Optional.of(hosts), true),
                    RemoteAccess.Tls.NONE, Optional.empty());
            RepoConfig repo = new RepoConfig("cfg", List.of(url), List.of("*"), "main", List.of(), List.of(), Optional.empty(), access);
            VortexConfig config = ConfigLoader.load(List.of("--data-dir=" + tmp.resolve("data"), "--throttle.per-domain-per-minute=1000000",
                    "--sync.interval=1h", "--sync.debounce=0ms", "--sync.full-reload=0"), Map.of()).withRepos(List.of(repo), false);
            Path raw = tmp.resolve("raw.git");
            git(tmp, null, "init", "-q", "--bare", raw.toString());
            String sshCommand = "ssh -i " + key + " -o IdentitiesOnly=yes -o UserKnownHostsFile=" + hosts
                    + " -o StrictHostKeyChecking=yes -o BatchMode=yes";
            Metrics metrics = new Metrics();
            try (Mirrors mirrors = Mirrors.open(config, InstantSource.system())) {
                StateStore state = new StateStore(StateFile.in(config.dataDir()), metrics);
                SyncEngine engine = new SyncEngine(config, mirrors, state, CommitCheck.acceptAll(), metrics, InstantSource.system());
                engine.start();
                try {
                    while (!state.snapshot().servesAll(List.of("cfg"))) {
                        Thread.sleep(10); // the start-up sync serves the repository first
                    }
                    double[][] noChange = rounds(() -> refresh(engine, false), () -> rawFetch(raw, url, sshCommand));
                    table.add("no-change refresh over SSH, p50", p50(noChange[0]), p50(noChange[1]), "ms");
                    int[] n = {0};
                    double[][] oneCommit = rounds(() -> {
                        origin.write("app-0.yml", "server:\n  port: " + (9000 + n[0]++) + "\n").commit("change");
                        origin.push();
                        return refresh(engine, true);
                    }, () -> {
                        origin.write("app-1.yml", "server:\n  port: " + (9000 + n[0]++) + "\n").commit("change");
                        origin.push();
                        return rawFetch(raw, url, sshCommand);
                    });
                    table.add("one-new-commit refresh over SSH, p50", p50(oneCommit[0]), p50(oneCommit[1]), "ms");
                } finally {
                    engine.stop(Duration.ofSeconds(5));
                }
            }
        } finally {
            try (var files = Files.walk(tmp)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Timed {
        double ms() throws Exception;
    }

    /** Alternates ours and the baseline so both see the same machine; the first rounds warm up. */
    private static double[][] rounds(Timed ours, Timed baseline) throws Exception {
        double[] a = new double[ROUNDS];
        double[] b = new double[ROUNDS];
        for (int i = -WARMUP; i < ROUNDS; i++) {
            double x = ours.ms();
            double y = baseline.ms();
            if (i >= 0) {
                a[i] = x;
                b[i] = y;
            }
        }
        return new double[][] {a, b};
    }

    private static double refresh(SyncEngine engine, boolean expectChange) throws Exception {
        long t0 = System.nanoTime();
        SyncResult r = engine.trigger("cfg", "bench", Set.of()).get(60, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.error().isPresent() || r.changed() != expectChange) {
            throw new IllegalStateException("refresh over SSH was not the expected run: " + r);
        }
        return ms;
    }

    /** {@code git fetch} (the CLI, OpenSSH's client) of every branch into a bare repository. */
    private static double rawFetch(Path raw, String url, String sshCommand) throws Exception {
        long t0 = System.nanoTime();
        git(raw, sshCommand, "fetch", "-q", url, "+refs/heads/*:refs/remotes/o/*");
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void git(Path dir, String sshCommand, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        if (sshCommand != null) {
            pb.environment().put("GIT_SSH_COMMAND", sshCommand);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static double p50(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}
