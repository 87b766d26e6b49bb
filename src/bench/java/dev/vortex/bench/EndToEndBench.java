package dev.vortex.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Commit → push webhook → {@code config_change} at the clients, with the daemon ({@code target/vortexd.jar})
 * and the clients ({@link WsBenchClient}) in separate processes. The clock starts before
 * {@code git commit} (the value the clients read back is the {@link System#nanoTime()} written into
 * the file), so the figure includes the commit itself; the baseline is that commit alone.
 * The daemon runs with {@code --sync.debounce=0ms}: the default 500 ms debounce would add itself to
 * every figure here, and the default 30 fetch starts per host and minute would throttle the rounds.
 */
final class EndToEndBench {
    private static final int CLIENT_PROCESSES = 4;
    private static final int ROUNDS = 30;

    private EndToEndBench() {
    }

    static void run(Table table) throws Exception {
        BenchRepo repo = BenchRepo.create("vortex-e2e");
        List<WsBench.Client> clients = new ArrayList<>();
        try (Daemon d = Daemon.start(List.of("-Xmx1g"), List.of("--repo=" + repo.uri(), "--sync.debounce=0ms",
                "--throttle.per-domain-per-minute=100000"))) {
            for (int i = 0; i < CLIENT_PROCESSES; i++) {
                clients.add(WsBench.Client.spawn());
            }
            long[] commitCost = new long[ROUNDS * 2];
            int[] commitIndex = {0};
            for (int n : new int[] {1, 1_000}) {
                if (WsBench.connect(clients, d.wsPort, "/ws/bench/default", n) != n) {
                    throw new IllegalStateException("could not open " + n + " sessions");
                }
                Runnable publish = () -> {
                    try {
                        long t0 = System.nanoTime();
                        String sha = repo.commit(t0); // the commit's cost includes its rev-parse, as the clock does
                        if (commitIndex[0] < commitCost.length) {
                            commitCost[commitIndex[0]++] = System.nanoTime() - t0;
                        }
                        repo.push(d.httpPort, sha);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                };
                WsBench.round(clients, 0, 2, publish); // warm-up, not recorded
                WsBench.collect(clients);
                WsBench.round(clients, 2, ROUNDS, publish);
                long[] lat = WsBench.collect(clients);
                long[] commits = Arrays.copyOf(commitCost, commitIndex[0]);
                Arrays.sort(commits);
                table.add("commit → webhook → config_change p50, " + n + " session" + (n == 1 ? "" : "s"),
                        WsBench.ms(WsBench.pct(lat, 50)), WsBench.ms(WsBench.pct(commits, 50)), "ms");
                table.add("commit → webhook → config_change p99, " + n + " session" + (n == 1 ? "" : "s"),
                        WsBench.ms(WsBench.pct(lat, 99)), WsBench.ms(WsBench.pct(commits, 99)), "ms");
                WsBench.closeAll(clients); // the client processes count changes afresh from here
                commitIndex[0] = 0;
            }
        } finally {
            for (WsBench.Client c : clients) {
                c.process.destroy();
            }
        }
    }
}
