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
        Path repo = Files.createTempDirectory("vortex-cluster").resolve("cfg");
        git(repo.getParent(), "init", "-q", "-b", "main", repo.toString());
        git(repo, "config", "user.email", "bench@example.invalid");
        git(repo, "config", "user.name", "bench");
        Files.writeString(repo.resolve("bench.yml"), "bench:\n  sent: 0\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "start");
        Path secret = Files.writeString(repo.getParent().resolve("cluster-secret"), "bench-cluster-secret-0123456789\n");
        int httpA = Ports.free();
        int httpB = Ports.free();
        List<String> common = List.of("--repo=" + repo.toUri(), "--sync.debounce=0ms", "--throttle.per-domain-per-minute=100000",
                "--cluster.peers=http://127.0.0.1:" + httpA + ",http://127.0.0.1:" + httpB, "--auth.cluster-secret-file=" + secret);
        List<WsBench.Client> clients = new ArrayList<>();
        try (Daemon a = Daemon.start(List.of("-Xmx512m"), plus(common, "--cluster.replica-id=a"), null, httpA, Ports.free());
             Daemon b = Daemon.start(List.of("-Xmx512m"), plus(common, "--cluster.replica-id=b"), null, httpB, Ports.free())) {
            for (int i = 0; i < 2; i++) {
                clients.add(WsBench.Client.spawn());
            }
            HttpClient http = HttpClient.newHttpClient();
            Runnable publish = () -> {
                try {
                    Files.writeString(repo.resolve("bench.yml"), "bench:\n  sent: " + System.nanoTime() + "\n");
                    git(repo, "commit", "-q", "-a", "-m", "round");
                    String sha = git(repo, "rev-parse", "HEAD").trim();
                    String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"clone_url\":\"" + repo.toUri() + "\"}}";
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.httpPort + "/monitor"))
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
