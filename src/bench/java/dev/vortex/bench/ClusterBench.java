package dev.vortex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two replicas, each the other's peer; every round a commit and a push webhook to replica A. The
 * figure: the {@code config_change} at clients of replica B (the webhook forwarded as a peer notice,
 * then B's own fetch); the baseline: the same at clients of replica A, in the same run. The clock
 * starts before {@code git commit}, as in {@link EndToEndBench}.
 */
final class ClusterBench {
    private static final int ROUNDS = 30;
    private static final int SESSIONS = 100;

    private ClusterBench() {
    }

    static void run(Table table) throws Exception {
        BenchRepo repo = BenchRepo.create("vortex-cluster");
        Path secret = Files.writeString(repo.dir().getParent().resolve("cluster-secret"), "bench-cluster-secret-0123456789\n");
        int httpA = Ports.free();
        int httpB = Ports.free();
        List<String> common = List.of("--repo=" + repo.uri(), "--sync.debounce=0ms", "--throttle.per-domain-per-minute=100000",
                "--cluster.peers=http://127.0.0.1:" + httpA + ",http://127.0.0.1:" + httpB, "--auth.cluster-secret-file=" + secret);
        List<WsBench.Client> clients = new ArrayList<>();
        try (Daemon a = Daemon.start(List.of("-Xmx512m"), plus(common, "--cluster.replica-id=a"), null, httpA, Ports.free());
             Daemon b = Daemon.start(List.of("-Xmx512m"), plus(common, "--cluster.replica-id=b"), null, httpB, Ports.free())) {
            for (int i = 0; i < 2; i++) {
                clients.add(WsBench.Client.spawn());
            }
            Runnable publish = () -> {
                try {
                    repo.push(a.httpPort, repo.commit(System.nanoTime()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            };
            long[][] lat = new long[2][];
            Daemon[] at = {a, b};
            for (int i = 0; i < 2; i++) {
                if (WsBench.connect(clients, at[i].wsPort, "/ws/bench/default", SESSIONS) != SESSIONS) {
                    throw new IllegalStateException("could not open " + SESSIONS + " sessions");
                }
                WsBench.round(clients, 0, 2, publish); // warm-up, not recorded
                WsBench.collect(clients);
                WsBench.round(clients, 2, ROUNDS, publish);
                lat[i] = WsBench.collect(clients);
                WsBench.closeAll(clients);
            }
            for (int p : new int[] {50, 99}) {
                table.add("webhook to replica A → config_change at replica B p" + p + " (baseline: at replica A), " + SESSIONS + " sessions",
                        WsBench.ms(WsBench.pct(lat[1], p)), WsBench.ms(WsBench.pct(lat[0], p)), "ms");
            }
        } finally {
            for (WsBench.Client c : clients) {
                c.process.destroy();
            }
        }
    }

    private static List<String> plus(List<String> args, String more) {
        List<String> all = new ArrayList<>(args);
        all.add(more);
        return all;
    }
}
