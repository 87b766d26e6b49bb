package dev.vortex.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.Values;
import dev.vortex.testing.ChildDaemon;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code make soak}: a daemon process under everything at once for a while (default 10 minutes):
 * a commit every 200 ms announced by a push webhook, 2,000 WebSocket clients that disconnect at
 * random and come back (by path, getting a snapshot, or by {@code resync} from the version they
 * held), and a steady HTTP load. At the end every client must hold exactly what a fresh snapshot
 * holds, and the daemon's live heap (after a full GC) and its thread count must be flat. Prints a summary;
 * exits 1 when a check fails.
 *
 * <pre>java -cp … dev.vortex.bench.Soak [duration, e.g. 10m] [sessions, e.g. 2000] [http requests/s, e.g. 400]</pre>
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMIT_EVERY = Duration.ofMillis(200);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);
    private static final String CACHE = "2MiB";
    /** Clients disconnected per second, as a share of all. */
    private static final double RECONNECT_SHARE = 0.01;
    private static final List<String> HTTP_PATHS = List.of("/shop/prod", "/shop/default", "/billing/default", "/shop-prod.yml",
            "/shop-prod.properties", "/main/billing-default.json", "/shop/prod/main/notes.txt", "/api/v1/repos", "/health", "/metrics");

    private final Duration duration;
    private final int sessions;
    private final int httpRate;
    private final Random random = new Random(20261123);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder commits = new LongAdder();
    private final LongAdder webhooks = new LongAdder();
    private final LongAdder webhookFailures = new LongAdder();
    private final LongAdder reconnectsByPath = new LongAdder();
    private final LongAdder reconnectsByResync = new LongAdder();
    private final LongAdder reconnectsByPattern = new LongAdder();
    private final Map<Integer, LongAdder> serverCloses = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> httpStatus = new ConcurrentHashMap<>();
    private final LongAdder httpErrors = new LongAdder();
    private final List<long[]> latencies = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Path dir;
    private TestRepo origin;
    private GitHttpServer git;
    private ChildDaemon daemon;
    private Http http;
    private WsSwarm swarm;
    private final List<Client> clients = new ArrayList<>();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);

    /** One logical WebSocket client across its reconnects. */
    private static final class Client {
        final String path;
        final WsSwarm.Target target; // null for a pattern client
        final String subscribe; // the subscribe message of a pattern client
        volatile WsSwarm.Conn conn;
        volatile boolean away;

        Client(String path, WsSwarm.Target target, String subscribe) {
            this.path = path;
            this.target = target;
            this.subscribe = subscribe;
        }
    }

    private record Sample(long atSeconds, double heapMiB, double threads, double sessions, double parsed, long received) {
    }

    private Soak(Duration duration, int sessions, int httpRate) {
        this.duration = duration;
        this.sessions = sessions;
        this.httpRate = httpRate;
    }

    public static void main(String[] args) throws Exception {
        Duration duration = args.length > 0 ? Values.duration(args[0]) : Duration.ofMinutes(10);
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        boolean ok = new Soak(duration, sessions, rate).run();
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        long t0 = System.nanoTime();
        dir = Files.createTempDirectory("vortex-soak");
        System.out.printf(Locale.ROOT, "soak: %s, %d sessions, %d HTTP requests/s, a commit every %d ms, render.cache-size %s; work dir %s%n",
                format(duration), sessions, httpRate, COMMIT_EVERY.toMillis(), CACHE, dir);
        origin = TestRepo.init(dir.resolve("origin"));
        Map<String, Object> shop = new TreeMap<>();
        writeConfig(shop, 0);
        origin.commit("initial");
        git = GitHttpServer.start(dir.resolve("served"));
        String url = git.serve(origin, "cfg.git");
        daemon = ChildDaemon.start(dir.resolve("data"), List.of("-Xmx512m"), List.of("--repo=" + url,
                // two syncs a second: more than the 30 a minute for a real git host
                "--throttle.per-domain-per-minute=120",
                // caches small enough to fill during the warm-up: what grows after it is not a cache
                "--render.cache-size=" + CACHE));
        http = new Http(daemon.httpPort());
        awaitTrue(Duration.ofSeconds(60), http::ready, "daemon ready");
        swarm = WsSwarm.open(daemon.wsPort(), false);
        connectAll();

        List<Thread> load = startHttpLoad();
        timers.scheduleAtFixedRate(guard(() -> commit(shop)), 0, COMMIT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(guard(this::disconnectSome), 1000, 1000, TimeUnit.MILLISECONDS);
        long end = System.nanoTime() + duration.toNanos();
        long nextSample = System.nanoTime();
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextSample) {
                sample(t0);
                nextSample += SAMPLE_EVERY.toNanos();
            }
            superviseReconnects();
            Thread.sleep(200);
        }

        running.set(false);
        timers.shutdown();
        timers.awaitTermination(30, TimeUnit.SECONDS);
        for (Thread t : load) {
            t.join(30_000);
        }
        String head = origin.head();
        awaitTrue(Duration.ofSeconds(60), () -> {
            superviseReconnects();
            return clients.stream().allMatch(c -> !c.away && c.conn.isOpen())
                    && head.equals(http.json("/api/v1/repos/cfg").path("commits").path("main").asText());
        }, "every client back and the last commit served");
        Map<WsSwarm.Target, WsSwarm.Conn> fresh = awaitConvergence();
        int divergent = divergence(fresh);
        sample(t0);
        long violations = clients.stream().mapToLong(c -> c.conn.violations().size()).sum();

        long stop = System.nanoTime();
        daemon.terminate();
        int exit = daemon.awaitExit(Duration.ofSeconds(40));
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stop);
        swarm.close();
        git.close();

        if (divergent > 0) {
            problems.add(divergent + " (client, subscription) pairs differ from a fresh snapshot");
        }
        if (violations > 0) {
            problems.add(violations + " diffs did not chain from the version held");
        }
        if (exit != 0 || stopMs > 30_000) {
            problems.add("daemon exit " + exit + " after " + stopMs + " ms");
        }
        if (httpStatus.keySet().stream().anyMatch(s -> s >= 500) || httpErrors.sum() > 0) {
            problems.add("HTTP errors: " + httpErrors.sum() + " failed, statuses " + statuses(httpStatus));
        }
        if (webhookFailures.sum() > 0) {
            problems.add(webhookFailures.sum() + " webhooks not accepted");
        }
        checkFlat();
        summary(t0, head, fresh.size(), divergent, violations, exit, stopMs);
        if (problems.isEmpty()) {
            deleteTree(dir);
        }
        return problems.isEmpty();
    }

    // ---- repository ----

    /** Rewrites the configuration files from {@code shop} (a random walk of keys) and a few values derived from {@code n}. */
    private void writeConfig(Map<String, Object> shop, long n) throws IOException {
        StringBuilder yml = new StringBuilder("server:\n  port: 8080\n");
        shop.forEach((k, v) -> yml.append(k).append(": ").append(v).append('\n'));
        yml.append("list:\n");
        for (int i = 0; i < 1 + n % 5; i++) {
            yml.append("  - item-").append(i).append('\n');
        }
        origin.write("shop.yml", yml.toString());
        origin.write("shop-prod.yml", "server:\n  port: 443\nprod:\n  generation: " + n / 3 + "\n  greeting: ${greeting}\n");
        origin.write("billing.yml", "billing:\n  rate: " + (n / 7) % 11 + "\n  currency: EUR\n");
        origin.write("application.yml", "greeting: hello-" + n / 10 + "\nshared:\n  timeout: 30s\n");
        origin.write("notes.txt", "served by ${greeting}\n");
    }

    private void commit(Map<String, Object> shop) throws IOException {
        if (!running.get()) {
            return;
        }
        long n = commits.sum() + 1;
        String key = "feature.f" + random.nextInt(40);
        if (shop.containsKey(key) && random.nextBoolean()) {
            shop.remove(key);
        } else {
            shop.put(key, random.nextInt(3) == 0 ? "\"text-" + n + "\"" : Integer.toString(random.nextInt(1000)));
        }
        writeConfig(shop, n);
        String sha = origin.commit("soak " + n);
        origin.push();
        commits.increment();
        String body = JSON.writeValueAsString(Map.of("ref", "refs/heads/main", "after", sha,
                "repository", Map.of("name", "cfg", "full_name", "soak/cfg", "clone_url", git.url("cfg.git"))));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(http.uri("/monitor")).header("X-GitHub-Event", "push")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        webhooks.increment();
        if (r.statusCode() != 202) {
            webhookFailures.increment();
        }
    }

    // ---- WebSocket clients ----

    private void connectAll() {
        List<String[]> kinds = List.of(
                new String[] {"/ws/shop/prod", "shop", "prod"},
                new String[] {"/ws/shop/default", "shop", "default"},
                new String[] {"/ws/billing/default", "billing", "default"},
                new String[] {"/ws/shop/prod,default", "shop", "prod,default"});
        for (int i = 0; i < sessions; i++) {
            Client c;
            if (i % 10 == 9) {
                c = new Client("/ws", null, "{\"type\":\"subscribe\",\"patterns\":[\"shop:*\",\"billing:default\"]}");
            } else {
                String[] k = kinds.get(i % kinds.size());
                c = new Client(k[0], new WsSwarm.Target(k[1], k[2], "main"), null);
            }
            c.conn = swarm.connect(c.path, c.subscribe, null);
            clients.add(c);
        }
        awaitTrue(Duration.ofSeconds(120), () -> clients.stream().allMatch(c -> c.conn.count("config_snapshot") > 0),
                sessions + " sessions connected with a snapshot");
    }

    /** About 1 % of the clients per second go away (a clean close or a dropped socket) and come back 0.5–2 s later. */
    private void disconnectSome() {
        int n = Math.max(1, (int) Math.round(sessions * RECONNECT_SHARE));
        for (int i = 0; i < n; i++) {
            Client c = clients.get(random.nextInt(clients.size()));
            if (c.away || !c.conn.isOpen()) {
                continue;
            }
            c.away = true;
            swarm.close(c.conn);
            timers.schedule(guard(() -> reconnect(c)), 500 + random.nextInt(1500), TimeUnit.MILLISECONDS);
        }
    }

    private void reconnect(Client c) {
        WsSwarm.Conn old = c.conn;
        String held = c.target == null ? null : old.version(c.target);
        if (c.target == null) {
            c.conn = swarm.connect(c.path, c.subscribe, null);
            reconnectsByPattern.increment();
        } else if (held != null && random.nextBoolean()) {
            String resync = "{\"type\":\"resync\",\"last_version\":\"" + held + "\",\"app\":\"" + c.target.app()
                    + "\",\"profile\":\"" + c.target.profile() + "\"}";
            c.conn = swarm.connect("/ws", resync, old);
            reconnectsByResync.increment();
        } else {
            c.conn = swarm.connect(c.path, null, null);
            reconnectsByPath.increment();
        }
        c.away = false;
    }

    /** Clients the server closed (or that failed to connect) come back at once, counted by close code. */
    private void superviseReconnects() {
        for (Client c : clients) {
            if (!c.away && c.conn.isDone()) {
                serverCloses.computeIfAbsent(c.conn.closeCode(), k -> new LongAdder()).increment();
                c.away = true;
                reconnect(c);
            }
        }
    }

    /** Fresh snapshots of every subscription held, once every client's versions match them (or after 60 s). */
    private Map<WsSwarm.Target, WsSwarm.Conn> awaitConvergence() {
        Set<WsSwarm.Target> targets = clients.stream().flatMap(c -> c.conn.versions().keySet().stream()).collect(Collectors.toSet());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<WsSwarm.Target, WsSwarm.Conn> fresh = new HashMap<>();
            for (WsSwarm.Target t : targets) {
                fresh.put(t, swarm.connect("/ws/" + t.app() + "/" + t.profile() + "/" + t.label(), null, null));
            }
            awaitTrue(Duration.ofSeconds(30), () -> fresh.values().stream().allMatch(f -> f.count("config_snapshot") == 1), "fresh snapshots");
            boolean converged = clients.stream().allMatch(c -> c.conn.versions().entrySet().stream()
                    .allMatch(e -> e.getValue().equals(fresh.get(e.getKey()).version(e.getKey()))));
            if (converged || System.nanoTime() > deadline) {
                return fresh;
            }
            fresh.values().forEach(swarm::close);
            sleep(1000);
        }
    }

    private int divergence(Map<WsSwarm.Target, WsSwarm.Conn> fresh) {
        int divergent = 0;
        for (Client c : clients) {
            for (Map.Entry<WsSwarm.Target, Map<String, Object>> e : c.conn.configs().entrySet()) {
                WsSwarm.Conn f = fresh.get(e.getKey());
                if (!Objects.equals(f.config(e.getKey()), e.getValue())
                        || !Objects.equals(f.version(e.getKey()), c.conn.version(e.getKey()))) {
                    divergent++;
                }
            }
        }
        return divergent;
    }

    // ---- HTTP load ----

    private List<Thread> startHttpLoad() {
        int threads = 4;
        List<Thread> out = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long gapNanos = TimeUnit.SECONDS.toNanos(1) * threads / Math.max(1, httpRate);
        for (int i = 0; i < threads; i++) {
            long[] lat = new long[1 << 16];
            latencies.add(lat);
            int first = i;
            out.add(Thread.ofPlatform().name("soak-http-" + i).start(() -> {
                AtomicLong count = new AtomicLong();
                long next = System.nanoTime();
                for (int n = first; running.get(); n++) {
                    String path = HTTP_PATHS.get(n % HTTP_PATHS.size());
                    HttpRequest.Builder b = HttpRequest.newBuilder(http.uri(path)).timeout(Duration.ofSeconds(10));
                    if (n % 7 == 0) {
                        b.header("If-None-Match", "\"" + "0".repeat(40) + "\"");
                    }
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                        httpStatus.computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
                        long c = count.getAndIncrement();
                        lat[(int) (c % lat.length)] = System.nanoTime() - start;
                    } catch (IOException e) {
                        httpErrors.increment();
                    } catch (InterruptedException e) {
                        return;
                    }
                    next += gapNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                    } else {
                        next = System.nanoTime(); // behind: do not burst to catch up
                    }
                }
            }));
        }
        return out;
    }

    // ---- measurements ----

    /**
     * The daemon's live heap: {@code jcmd <pid> GC.class_histogram} runs a full GC and sums the
     * objects left (no JMX; the heap gauge read after a GC would also count what the busy daemon
     * allocated in between). Threads and sessions come from /metrics.
     */
    private void sample(long t0) {
        double live = Double.NaN;
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(daemon.pid()), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(60, TimeUnit.SECONDS);
            live = out.lines().filter(l -> l.startsWith("Total")).mapToDouble(l -> Double.parseDouble(l.trim().split("\\s+")[2]))
                    .findFirst().orElse(Double.NaN) / (1 << 20);
        } catch (IOException | NumberFormatException e) {
            problems.add("jcmd GC.class_histogram failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String metrics = http.get("/metrics").body();
        Sample s = new Sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), live,
                gauge(metrics, "vortex_jvm_threads"), gauge(metrics, "vortex_ws_sessions"), gauge(metrics, "vortex_parse_cache_entries"),
                swarm.received());
        samples.add(s);
        System.out.printf(Locale.ROOT, "  t=%4ds live heap %6.1f MiB, threads %3.0f, sessions %5.0f, parsed files %5.0f, commits %5d, ws messages %,d, http %,d%n",
                s.atSeconds, s.heapMiB, s.threads, s.sessions, s.parsed, commits.sum(), s.received, total(httpStatus));
    }

    private static double gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElse(Double.NaN);
    }

    /**
     * Flat: after the warm-up sample, the live heap stays within 20 % (or 16 MiB) of its first value
     * and the thread count within 5 of it.
     */
    private void checkFlat() {
        if (samples.size() < 3) {
            return; // too short to judge
        }
        Sample base = samples.get(1);
        Sample last = samples.get(samples.size() - 1);
        double maxHeap = samples.stream().skip(1).mapToDouble(Sample::heapMiB).max().orElseThrow();
        double maxThreads = samples.stream().skip(1).mapToDouble(Sample::threads).max().orElseThrow();
        if (last.heapMiB > Math.max(base.heapMiB * 1.2, base.heapMiB + 16)) {
            problems.add(String.format(Locale.ROOT, "live heap grew from %.1f to %.1f MiB", base.heapMiB, last.heapMiB));
        }
        if (maxThreads > base.threads + 5) {
            problems.add(String.format(Locale.ROOT, "threads grew from %.0f to %.0f", base.threads, maxThreads));
        }
        if (maxHeap > Math.max(base.heapMiB * 1.5, base.heapMiB + 32)) {
            problems.add(String.format(Locale.ROOT, "live heap peaked at %.1f MiB (from %.1f)", maxHeap, base.heapMiB));
        }
    }

    private void summary(long t0, String head, int targets, int divergent, long violations, int exit, long stopMs) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        Sample base = samples.size() > 1 ? samples.get(1) : samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        System.out.println();
        System.out.println("== soak summary");
        System.out.printf(Locale.ROOT, "ran              %s (whole run %s)%n", format(duration), format(Duration.ofNanos(System.nanoTime() - t0)));
        System.out.printf(Locale.ROOT, "commits          %,d pushed, %,d webhooks (%,d not accepted); last %s served%n",
                commits.sum(), webhooks.sum(), webhookFailures.sum(), head.substring(0, 12));
        System.out.printf(Locale.ROOT, "websocket        %,d clients, %,d messages received, reconnects %,d by path + %,d by resync + %,d by pattern; server closes %s%n",
                sessions, swarm.received(), reconnectsByPath.sum(), reconnectsByResync.sum(), reconnectsByPattern.sum(), statuses(serverCloses));
        System.out.printf(Locale.ROOT, "divergence       %d of %,d (client, subscription) pairs differ from a fresh snapshot (%d subscriptions); %d chaining violations%n",
                divergent, clients.stream().mapToLong(c -> c.conn.versions().size()).sum(), targets, violations);
        System.out.printf(Locale.ROOT, "http             %,d requests %s, %d failed; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                total(httpStatus), statuses(httpStatus), httpErrors.sum(), pct(all, 0.5), pct(all, 0.99), pct(all, 1.0));
        System.out.printf(Locale.ROOT, "live heap        %.1f MiB after warm-up, %.1f MiB at the end (min %.1f, max %.1f)%n", base.heapMiB, last.heapMiB,
                samples.stream().mapToDouble(Sample::heapMiB).min().orElseThrow(), samples.stream().mapToDouble(Sample::heapMiB).max().orElseThrow());
        System.out.printf(Locale.ROOT, "threads          %.0f after warm-up, %.0f at the end (max %.0f)%n", base.threads, last.threads,
                samples.stream().mapToDouble(Sample::threads).max().orElseThrow());
        System.out.printf(Locale.ROOT, "shutdown         SIGTERM → exit %d in %,d ms%n", exit, stopMs);
        System.out.printf(Locale.ROOT, "machine          %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.println(problems.isEmpty() ? "verdict          PASS" : "verdict          FAIL: " + String.join("; ", problems));
        if (!problems.isEmpty()) {
            System.out.println("work dir kept: " + dir);
        }
    }

    // ---- small helpers ----

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[i] / 1e6;
    }

    private static long total(Map<Integer, LongAdder> counts) {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static String statuses(Map<Integer, LongAdder> counts) {
        Map<Integer, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }

    private static String format(Duration d) {
        return d.toMinutes() + "m" + String.format(Locale.ROOT, "%02d", d.toSecondsPart()) + "s";
    }

    private Runnable guard(ThrowingRunnable r) {
        return () -> {
            try {
                r.run();
            } catch (Exception | AssertionError e) {
                synchronized (problems) {
                    if (problems.size() < 20) {
                        problems.add("background task failed: " + e);
                    }
                }
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void awaitTrue(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
