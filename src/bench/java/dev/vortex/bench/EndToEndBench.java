package dev.vortex.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path repo = Files.createTempDirectory("vortex-e2e").resolve("cfg");
        git(repo.getParent(), "init", "-q", "-b", "main", repo.toString());
        git(repo, "config", "user.email", "bench@example.invalid");
        git(repo, "config", "user.name", "bench");
        Files.writeString(repo.resolve("bench.yml"), "bench:\n  sent: 0\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "start");
        List<WsBench.Client> clients = new ArrayList<>();
        try (Daemon d = Daemon.start(List.of("-Xmx1g"), List.of("--repo=" + repo.toUri(), "--sync.debounce=0ms",
                "--throttle.per-domain-per-minute=100000"))) {
            for (int i = 0; i < CLIENT_PROCESSES; i++) {
                clients.add(WsBench.Client.spawn());
            }
            HttpClient http = HttpClient.newHttpClient();
            long[] commitCost = new long[ROUNDS * 2];
            int[] commitIndex = {0};
            for (int n : new int[] {1, 1_000}) {
                if (WsBench.connect(clients, d.wsPort, "/ws/bench/default", n) != n) {
                    throw new IllegalStateException("could not open " + n + " sessions");
                }
                Runnable publish = () -> {
                    try {
                        long t0 = System.nanoTime();
                        Files.writeString(repo.resolve("bench.yml"), "bench:\n  sent: " + t0 + "\n");
                        git(repo, "commit", "-q", "-a", "-m", "round");
                        if (commitIndex[0] < commitCost.length) {
                            commitCost[commitIndex[0]++] = System.nanoTime() - t0;
                        }
                        String sha = git(repo, "rev-parse", "HEAD").trim();
                        String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"clone_url\":\""
                                + repo.toUri() + "\"}}";
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.httpPort + "/monitor"))
                                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 202) {
                            throw new IllegalStateException("webhook answered " + r.statusCode() + ": " + r.body());
                        }
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

    private static String git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
