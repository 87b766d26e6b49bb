package dev.vortex.bench;

import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Issue 14's latency goals, with the daemon in its default configuration (only the per-host fetch
 * rate raised, so the rounds are not throttled) and a git host that runs {@code git http-backend}
 * for every request:
 * <ul>
 * <li>push webhook → {@code config_change} at the clients (1 and 1,000 sessions), from the moment
 * the webhook is sent (the commit is on the host already), beside a raw JGit fetch of one new commit
 * from the same host and the git CLI's {@code git fetch};</li>
 * <li>{@code POST /api/v1/repos/{name}/refresh?wait=10s} on an idle repository, timed by curl,
 * beside that run's own duration (from the daemon's metrics).</li>
 * </ul>
 * Rounds are spaced by more than {@code sync.debounce}, so every trigger meets an idle repository.
 * Each round fetches one new commit raw (JGit, then the git CLI) just before its webhook, so a row
 * and its baseline share the machine's load of the same minute (the daemon's fetch then brings that
 * commit and the round's: two small commits).
 * The clients' {@code bench.sent} value is the round number: the client reports its arrival time
 * (nanoTime minus a few nanoseconds), and each arrival is charged to the last webhook sent before it.
 *
 * <p>{@code -Dbench.rounds=N} measures N rounds per row (default 8); {@code -Dbench.daemon-log=debug}
 * runs the daemon at that log level, so its push timeline (where each run's time goes) prints beside
 * the figures.
 */
final class LatencyBench {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 8);
    private static final long SPACING_MS = 700;
    private static final Pattern SYNC_SUM = Pattern.compile("(?m)^vortex_sync_duration_seconds_sum (\\S+)$");
    private static final Pattern SYNC_COUNT = Pattern.compile("(?m)^vortex_sync_duration_seconds_count (\\S+)$");

    private LatencyBench() {
    }

    static void run(Table table) throws Exception {
        Path root = Files.createTempDirectory("vortex-latency");
        TestRepo work = TestRepo.init(root.resolve("work"));
        work.write("bench.yml", "bench:\n  sent: 0\n").commit("start");
        try (GitHttpServer host = GitHttpServer.start(root.resolve("host"))) {
            String url = host.serve(work, "cfg.git");
            Raw raw = new Raw(root, url, host);
            List<WsBench.Client> clients = new ArrayList<>();
            List<String> jvm = Daemon.jvmOpts();
            List<String> args = new ArrayList<>(List.of("--repo=" + url, "--throttle.per-domain-per-minute=100000"));
            if (System.getProperty("bench.daemon-log") != null) {
                args.add("--log.level=" + System.getProperty("bench.daemon-log"));
            }
            try (Daemon d = Daemon.start(jvm, args)) {
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 4; i++) {
                    clients.add(WsBench.Client.spawn());
                }
                int[] round = {0};
                for (int n : new int[] {1, 1_000}) {
                    if (WsBench.connect(clients, d.wsPort, "/ws/bench/default", n) != n) {
                        throw new IllegalStateException("could not open " + n + " sessions");
                    }
                    long[] sentAt = new long[ROUNDS + 2];
                    int[] index = {0};
                    Runnable push = () -> {
                        round[0]++;
                        raw.measureOne(work);
                        pause(SPACING_MS); // longer than sync.debounce: the trigger meets an idle repository
                        String sha = work.write("bench.yml", "bench:\n  sent: " + round[0] + "\n").commit("round " + round[0]);
                        work.push();
                        String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"clone_url\":\"" + url + "\"}}";
                        sentAt[index[0]++] = System.nanoTime();
                        send(http, d.url("/monitor"), body, 202);
                    };
                    WsBench.round(clients, 0, 2, push); // warm-up, charged and then dropped
                    WsBench.collect(clients);
                    index[0] = 0;
                    raw.reset();
                    int hostBefore = host.requests();
                    WsBench.round(clients, 2, ROUNDS, push);
                    long[] lat = charge(WsBench.collect(clients), Arrays.copyOf(sentAt, index[0]));
                    int daemonRequests = host.requests() - hostBefore - raw.requests();
                    long announcedPosts = host.requestLines().subList(hostBefore, host.requests()).stream()
                            .filter(l -> l.endsWith("agent=vortexd")).count();
                    long[] jgit = raw.jgit();
                    String who = n == 1 ? "1 session" : "1,000 sessions";
                    table.add("webhook → config_change p50, " + who + "; baseline raw JGit fetch of the commit, http-backend",
                            WsBench.ms(WsBench.pct(lat, 50)), WsBench.ms(WsBench.pct(jgit, 50)), "ms");
                    table.add("webhook → config_change p99, " + who + "; baseline raw JGit fetch, http-backend",
                            WsBench.ms(WsBench.pct(lat, 99)), WsBench.ms(WsBench.pct(jgit, 99)), "ms");
                    if (n == 1) {
                        table.add(String.format(java.util.Locale.ROOT, "git host HTTP requests per webhook push, vortexd (%.1f of them the"
                                        + " announced POST, the rest JGit's ref advertisement beside it); baseline per raw JGit fetch",
                                        (double) announcedPosts / index[0]),
                                (double) daemonRequests / index[0], (double) raw.jgitRequests / jgit.length, "requests");
                        table.add("raw git CLI fetch of one new commit, http-backend, p50 (beside JGit's)",
                                WsBench.ms(WsBench.pct(raw.cli(), 50)), WsBench.ms(WsBench.pct(jgit, 50)), "ms");
                    }
                    WsBench.closeAll(clients);
                }
                refresh(table, http, d);
            } finally {
                for (WsBench.Client c : clients) {
                    c.process.destroy();
                }
                raw.close();
            }
        }
    }

    /**
     * POST refresh?wait on an idle repository, timed by curl (what the daemon is driven with; the JDK
     * HttpClient's own round trip is ~4 ms, curl's under 1 ms): the answer's time beside the run's own
     * duration, read exactly (ns) from {@code vortex_sync_duration_seconds_sum} before and after the
     * call, not the answer's ms-truncated {@code duration_ms}; then, per round, what the answer took
     * beyond its run beside curl's {@code GET /health} round trip (the HTTP part of that extra).
     */
    private static void refresh(Table table, HttpClient http, Daemon d) throws Exception {
        long[] total = new long[ROUNDS];
        long[] sync = new long[ROUNDS];
        long[] extra = new long[ROUNDS];
        long[] health = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            pause(SPACING_MS);
            double[] before = syncSeconds(http, d);
            total[i] = curl(d.url("/api/v1/repos/cfg/refresh?wait=10s"), "POST");
            double[] after = syncSeconds(http, d);
            if (after[1] - before[1] != 1) { // a timer run slipped in between: this round does not tell
                i--;
                continue;
            }
            sync[i] = Math.round((after[0] - before[0]) * 1e9);
            extra[i] = total[i] - sync[i];
            health[i] = curl(d.url("/health"), "GET");
        }
        Arrays.sort(total);
        Arrays.sort(sync);
        Arrays.sort(extra);
        Arrays.sort(health);
        table.add("POST refresh?wait=10s on an idle repository (curl), p50; baseline the run's own duration (vortex_sync_duration_seconds)",
                WsBench.ms(WsBench.pct(total, 50)), WsBench.ms(WsBench.pct(sync, 50)), "ms");
        table.add("POST refresh?wait=10s beyond its own run (per round), p50; baseline curl's GET /health round trip",
                WsBench.ms(WsBench.pct(extra, 50)), WsBench.ms(WsBench.pct(health, 50)), "ms");
    }

    /** {@code vortex_sync_duration_seconds} {sum, count} as /metrics has them now. */
    private static double[] syncSeconds(HttpClient http, Daemon d) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(d.url("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher sum = SYNC_SUM.matcher(metrics);
        Matcher count = SYNC_COUNT.matcher(metrics);
        if (!sum.find() || !count.find()) {
            throw new IllegalStateException("no vortex_sync_duration_seconds in /metrics");
        }
        return new double[] {Double.parseDouble(sum.group(1)), Double.parseDouble(count.group(1))};
    }

    /** curl's {@code time_total} of one request, in ns; fails unless it answered 200. */
    private static long curl(URI uri, String method) throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-X", method, uri.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        String[] parts = out.split(" ");
        if (p.waitFor() != 0 || parts.length != 2 || !parts[0].equals("200")) {
            throw new IllegalStateException("curl -X " + method + " " + uri + ": " + out);
        }
        return Math.round(Double.parseDouble(parts[1]) * 1e9);
    }

    /** Each arrival (absolute nanoTime) minus the last webhook sent before it; sorted. */
    private static long[] charge(long[] arrivals, long[] sentAt) {
        long[] out = new long[arrivals.length];
        int k = 0;
        for (long a : arrivals) {
            long from = Long.MIN_VALUE;
            for (long s : sentAt) {
                if (s <= a && s > from) {
                    from = s;
                }
            }
            if (from != Long.MIN_VALUE) {
                out[k++] = a - from;
            }
        }
        long[] lat = Arrays.copyOf(out, k);
        Arrays.sort(lat);
        return lat;
    }

    private static String send(HttpClient http, URI uri, String body, int expect) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .header("X-GitHub-Event", "push").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expect) {
                throw new IllegalStateException(uri.getPath() + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The baselines: a JGit repository and a git CLI clone that fetch one new commit per round from the same host. */
    private static final class Raw implements AutoCloseable {
        private static final RefSpec ALL = new RefSpec("+refs/heads/*:refs/remotes/origin/*");
        private final String url;
        private final Git repo;
        private final Path cliDir;
        private final List<Long> jgit = new ArrayList<>();
        private final List<Long> cli = new ArrayList<>();
        private final GitHttpServer host;
        /** The host's requests the raw fetches made since {@link #reset}: JGit's, and JGit's and the CLI's. */
        private int jgitRequests;
        private int allRequests;

        Raw(Path root, String url, GitHttpServer host) throws Exception {
            this.url = url;
            this.host = host;
            this.repo = Git.init().setBare(true).setDirectory(root.resolve("raw-jgit.git").toFile()).call();
            repo.fetch().setRemote(url).setRefSpecs(ALL).call();
            this.cliDir = root.resolve("raw-cli.git");
            git(root, "clone", "-q", "--bare", url, cliDir.toString());
        }

        void reset() {
            jgit.clear();
            cli.clear();
            jgitRequests = 0;
            allRequests = 0;
        }

        int requests() {
            return allRequests;
        }

        /** One new commit (in a file the clients' application does not read), fetched by JGit, then by the git CLI. */
        void measureOne(TestRepo work) {
            try {
                work.write("raw.yml", "raw: " + jgit.size() + "\n").commit("raw " + jgit.size());
                work.push();
                int before = host.requests();
                long t0 = System.nanoTime();
                repo.fetch().setRemote(url).setRefSpecs(ALL).call();
                jgit.add(System.nanoTime() - t0);
                jgitRequests += host.requests() - before;
                t0 = System.nanoTime();
                git(cliDir, "fetch", "-q", "origin", "+refs/heads/*:refs/heads/*");
                cli.add(System.nanoTime() - t0);
                allRequests += host.requests() - before;
            } catch (Exception e) {
                throw new IllegalStateException("raw fetch: " + e.getMessage(), e);
            }
        }

        long[] jgit() {
            return sorted(jgit);
        }

        long[] cli() {
            return sorted(cli);
        }

        private static long[] sorted(List<Long> samples) {
            return samples.stream().mapToLong(Long::longValue).sorted().toArray();
        }

        private static void git(Path dir, String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
            }
        }

        @Override
        public void close() {
            repo.close();
        }
    }
}
