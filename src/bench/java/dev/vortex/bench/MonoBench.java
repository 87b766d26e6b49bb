package dev.vortex.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.ops.BackgroundPriority;
import dev.vortex.testing.MonoRepo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A configuration monorepo on one daemon (issue 18): a generated repository of {@code MONO_APPS}
 * applications (10,000 unless {@code -Dmono.apps=N}; {@code application.yml} plus {@code appN.yml}
 * and {@code appN-prod.yml} each) against the demo repository and a one-application repository, in
 * the same run: start to /ready, RSS and live heap, one application's change and a change to
 * {@code application.yml} at a changes-only {@code *:*} client and at a snapshot {@code *:*}
 * client, and GET p99 during that re-render against at rest, with the daemon's CPU time during it
 * (what a busy machine does not inflate) and where it and the bench's own went by thread. {@code -Dmono.warmups=N} makes and
 * awaits N such changes first, so the measured one runs compiled code instead of paying the JIT's warm-up.
 */
final class MonoBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int APPS = Integer.getInteger("mono.apps", 10_000);
    // timed restarts per data dir (median); -Dmono.starts=1 for a quicker run that profiles the change paths
    private static final int STARTS = Integer.getInteger("mono.starts", 3);
    // application.yml changes made and awaited before the measured one (0: the measured change is the first, JIT cold)
    private static final int WARMUPS = Integer.getInteger("mono.warmups", 0);
    // one-application changes per repository (the first of a daemon's life runs cold: a median of many)
    private static final int ONE_APP_ROUNDS = 9;

    private MonoBench() {
    }

    /** A daemon child process on its own data dir, restartable on the same one. */
    private record Child(Process process, int http, int ws, double readyMs) implements AutoCloseable {
        URI url(String path) {
            return URI.create("http://127.0.0.1:" + http + path);
        }

        @Override
        public void close() {
            Daemon.stop(process);
        }
    }

    static void run(Table table) throws Exception {
        // the bench's own optimizing compiler at the lowest priority, as the daemon's is during a large
        // change: compiling the clients' and the loader's code it took 0.6-0.8 s of the two cores during the
        // application.yml change (the daemon's whole fan-out is ~1.3 s of CPU); clients elsewhere cost nothing here
        BackgroundPriority.lowerJitCompiler();
        Path tmp = Files.createTempDirectory("vortex-bench-mono");
        long g0 = System.nanoTime();
        MonoRepo mono = MonoRepo.generate(tmp.resolve("mono"), APPS);
        MonoRepo one = MonoRepo.generate(tmp.resolve("one"), 1);
        System.out.printf("  generated %,d applications (%,d files) in %d ms%n", APPS, mono.files(), (System.nanoTime() - g0) / 1_000_000);
        List<String> raise = List.of("--sync.debounce=0ms", "--ws.max-subscriptions=" + (2 * APPS + 100));

        // start-up: each data dir started once (clone, state.json), then timed restarts
        Path demoData = tmp.resolve("demo-data");
        Path monoData = tmp.resolve("mono-data");
        start(demoData, List.of()).close();
        start(monoData, List.of("--repo=" + mono.repo().url())).close();
        double[] demoMs = new double[STARTS];
        double[] monoMs = new double[STARTS];
        double demoRss = 0;
        double demoHeap = 0;
        for (int i = 0; i < STARTS; i++) {
            try (Child d = start(demoData, List.of())) {
                demoMs[i] = d.readyMs();
                demoRss = StartupBench.rssMiB(d.process().pid());
                demoHeap = liveHeap(d.process().pid());
            }
            if (i < STARTS - 1) {
                try (Child m = start(monoData, List.of("--repo=" + mono.repo().url()))) {
                    monoMs[i] = m.readyMs();
                }
            }
        }
        try (Child m = start(monoData, concat(List.of("--repo=" + mono.repo().url()), raise))) {
            monoMs[STARTS - 1] = m.readyMs();
            double rss = StartupBench.rssMiB(m.process().pid());
            double heap = liveHeap(m.process().pid());
            table.add("start-up to /ready, " + APPS + "-app monorepo, existing data dir (median of " + STARTS + "); baseline demo repository",
                    StartupBench.median(monoMs), StartupBench.median(demoMs), "ms");
            table.add("RSS after start, " + APPS + "-app monorepo (goal ≤ 256 MiB); baseline demo repository", rss, demoRss, "MiB");
            table.add("live heap after start, " + APPS + "-app monorepo; baseline demo repository", heap / 1048576.0, demoHeap / 1048576.0, "MiB");
            // the one-application change's baseline: a one-application repository, served by a daemon of its own
            List<String> oneArgs = concat(List.of("--repo=" + one.repo().url()), raise);
            monorepoUnderChange(table, m, mono, () -> start(tmp.resolve("one-data"), oneArgs), one, demoHeap);
        }
    }

    /** The monorepo watched and changed, its one-application change beside the one-application repository's. */
    private static void monorepoUnderChange(Table table, Child m, MonoRepo mono, Callable<Child> startOne, MonoRepo one, double demoHeap)
            throws Exception {
        // watched: a changes-only *:* client (what the status page does), and served: GETs of 1,000 applications
        Client changes = Client.open(m.ws(), "{\"type\":\"subscribe\",\"patterns\":[\"*:*\"],\"snapshots\":false}");
        changes.awaitType("subscribed", 10_000);
        for (int i = 0; i < 1_000; i++) {
            get(m, "/app" + ThreadLocalRandom.current().nextInt(APPS) + "/prod");
        }
        double heap = liveHeap(m.process().pid());
        table.add("live heap per application over the demo's, 1,000 served and all watched (*:* changes-only)",
                (heap - demoHeap) / APPS, 0, "bytes");

        try (Child o = startOne.call()) { // stopped before the large change, which it would share the cores with
            oneAppChanges(table, m, mono, o, one);
        }

        // a snapshot *:* client: every target's snapshot, paced by its reading
        Client snapshots = Client.open(m.ws(), "{\"type\":\"subscribe\",\"patterns\":[\"*:*\"]}");
        long s0 = System.nanoTime();
        int targets = 2 * APPS + 1;
        snapshots.awaitCount("config_snapshot", targets, 300_000);
        table.add("snapshot *:* client: all " + targets + " snapshots delivered (paced), closed?", (System.nanoTime() - s0) / 1e6, 0, "ms");
        List<Double> restGets = new ArrayList<>();
        timedGets(m, 3_000, null, restGets);
        double restP99 = percentile(restGets, 0.99);
        for (int i = 0; i < WARMUPS; i++) {
            changes.clear();
            snapshots.clear();
            mono.changeShared("warm" + i);
            post(m, "/api/v1/repos/mono/refresh");
            changes.awaitCount("config_change", targets, 120_000);
            snapshots.awaitUpdated(targets, 120_000);
        }

        // application.yml changed: every application re-rendered once
        changes.clear();
        snapshots.clear();
        mono.changeShared("debug");
        AtomicBoolean during = new AtomicBoolean(true);
        List<Double> duringGets = new ArrayList<>();
        Thread loader = Thread.ofPlatform().start(() -> {
            try {
                timedGets(m, 60_000, during, duringGets);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        double cpu0 = ProcessCpu.totalMs(m.process().pid());
        double own0 = ProcessCpu.totalMs(ProcessHandle.current().pid());
        Map<String, Long> threads0 = ProcessCpu.byThreadMs(m.process().pid());
        Map<String, Long> ownThreads0 = ProcessCpu.byThreadMs(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        post(m, "/api/v1/repos/mono/refresh");
        changes.awaitCount("config_change", targets, 120_000);
        double allMs = (System.nanoTime() - t0) / 1e6;
        double cpuMs = ProcessCpu.totalMs(m.process().pid()) - cpu0;
        ProcessCpu.print("daemon", threads0, ProcessCpu.byThreadMs(m.process().pid()));
        ProcessCpu.print("the bench's", ownThreads0, ProcessCpu.byThreadMs(ProcessHandle.current().pid()));
        System.out.printf("  the bench's own CPU meanwhile (its two clients reading, the GET loader): %.0f ms%n",
                ProcessCpu.totalMs(ProcessHandle.current().pid()) - own0);
        double spreadMs = (changes.lastNanos.get() - changes.firstNanos.get()) / 1e6;
        snapshots.awaitUpdated(targets, 120_000);
        double snapMs = (System.nanoTime() - t0) / 1e6;
        during.set(false);
        loader.join();
        table.add("application.yml changed → all " + targets + " config_change at a *:* changes-only client, from the refresh call (goal ≤ 2 s)",
                allMs, 0, "ms");
        table.add("  … first to last config_change at that client", spreadMs, 0, "ms");
        // what the daemon spent, which a busy machine does not inflate as it does the wall-clock figures
        table.add("  … the daemon's CPU time (user + system) until then, GETs of the load beside it included", cpuMs, 0, "ms");
        table.add("application.yml changed → a snapshot *:* client holds all " + targets + " at the new commit (changes or snapshots)",
                snapMs, 0, "ms");
        table.add("  … targets at the new commit / lost / sessions closed", snapshots.updated.size() + " / "
                + (targets - snapshots.updated.size()) + " / " + (changes.closed.get() + snapshots.closed.get()), "none lost, none closed");
        table.add("GET /{app}/prod p99 during that re-render; baseline at rest", percentile(duringGets, 0.99), restP99, "ms");
        // a GET that a young collection stops, or that waits for a core, is in the tail: p99 counts the
        // hundredth slowest, so how many GETs ran, and the slowest of them, say what the tail is made of
        table.add(String.format("  … GETs / median during it: %d / %.2f ms; at rest: %d / %.2f ms; slowest 12 during it (ms): %s",
                duringGets.size(), percentile(duringGets, 0.5), restGets.size(), percentile(restGets, 0.5),
                duringGets.stream().sorted(java.util.Comparator.reverseOrder()).limit(12).map(d -> String.format("%.0f", d)).toList()), "", "");
        changes.close();
        snapshots.close();
    }

    /**
     * One application's prod file committed, refresh called, until its config_change arrives: in the
     * monorepo and in the one-application repository by turns, so that both medians share the machine's
     * moments (its speed changed from minute to minute, and the baseline measured minutes later differed
     * from one run to the next by more than the 10 ms the goal allows).
     */
    private static void oneAppChanges(Table table, Child m, MonoRepo mono, Child o, MonoRepo one) throws Exception {
        Client monoSub = Client.open(m.ws(), "{\"type\":\"subscribe\",\"patterns\":[\"app1:prod\"]}");
        Client oneSub = Client.open(o.ws(), "{\"type\":\"subscribe\",\"patterns\":[\"app0:prod\"]}");
        monoSub.awaitCount("config_snapshot", 1, 20_000);
        oneSub.awaitCount("config_snapshot", 1, 20_000);
        double[] monoMs = new double[ONE_APP_ROUNDS];
        double[] oneMs = new double[ONE_APP_ROUNDS];
        for (int i = 0; i < ONE_APP_ROUNDS; i++) {
            monoMs[i] = oneAppChange(m, mono, "mono", 1, monoSub, 100 + i);
            oneMs[i] = oneAppChange(o, one, "one", 0, oneSub, 100 + i);
        }
        monoSub.close();
        oneSub.close();
        System.out.printf("  one-application changes by turns (ms), monorepo: %s; 1-app repository: %s%n", rounded(monoMs), rounded(oneMs));
        table.add("one application's file changed → its config_change, " + APPS + "-app monorepo (median of " + ONE_APP_ROUNDS
                + ", by turns with the baseline); baseline 1-app repository", StartupBench.median(monoMs), StartupBench.median(oneMs), "ms");
    }

    private static List<Long> rounded(double[] ms) {
        return Arrays.stream(ms).mapToObj(Math::round).toList();
    }

    private static double oneAppChange(Child c, MonoRepo repo, String name, int app, Client sub, int value) throws Exception {
        sub.clear();
        repo.changeApp(app, value);
        long t0 = System.nanoTime();
        post(c, "/api/v1/repos/" + name + "/refresh");
        sub.awaitCount("config_change", 1, 30_000);
        return (sub.lastNanos.get() - t0) / 1e6;
    }

    private static Child start(Path data, List<String> extra) throws Exception {
        int http = Ports.free();
        int ws = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(Daemon.java()));
        cmd.addAll(Daemon.jvmOpts());
        cmd.addAll(List.of("-jar", "target/vortexd.jar", "--data-dir=" + data, "--http.port=" + http, "--ws.port=" + ws,
                "--log.level=warn"));
        cmd.addAll(extra);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        Child c = new Child(p, http, ws, 0);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("vortexd exited with " + p.exitValue());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(c.url("/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() - t0 > 300_000_000_000L) {
                c.close();
                throw new IllegalStateException("not ready within 300 s");
            }
            Thread.sleep(5);
        }
        return new Child(p, http, ws, (System.nanoTime() - t0) / 1e6);
    }

    /** Live heap in bytes: the total of a class histogram (which collects first). */
    private static double liveHeap(long pid) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith("Total")) {
                String[] parts = line.trim().split("\\s+");
                return Double.parseDouble(parts[2]);
            }
        }
        throw new IllegalStateException("no histogram total: " + out);
    }

    private static int get(Child c, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(c.url(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void post(Child c, String path) throws Exception {
        HTTP.send(HttpRequest.newBuilder(c.url(path)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    /** Sequential GETs of random applications for {@code ms} (or while {@code running}), each one's time in ms added to {@code out}. */
    private static void timedGets(Child c, long ms, AtomicBoolean running, List<Double> out) throws Exception {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end && (running == null || running.get())) {
            long t = System.nanoTime();
            int code = get(c, "/app" + ThreadLocalRandom.current().nextInt(APPS) + "/prod");
            if (code != 200) {
                throw new IllegalStateException("GET answered " + code);
            }
            synchronized (out) {
                out.add((System.nanoTime() - t) / 1e6);
            }
        }
    }

    private static double percentile(List<Double> values, double q) {
        double[] v;
        synchronized (values) {
            v = values.stream().mapToDouble(Double::doubleValue).toArray();
        }
        if (v.length == 0) {
            return 0;
        }
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1)];
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A WebSocket client that counts messages by type and remembers which targets reached which version. */
    private static final class Client extends WebSocketClient {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final Map<String, String> updated = new ConcurrentHashMap<>();
        final AtomicLong firstNanos = new AtomicLong();
        final AtomicLong lastNanos = new AtomicLong();
        final AtomicInteger closed = new AtomicInteger();
        private final String hello;

        private Client(URI uri, String hello) {
            super(uri);
            this.hello = hello;
        }

        static Client open(int port, String hello) throws InterruptedException {
            Client c = new Client(URI.create("ws://127.0.0.1:" + port + "/ws"), hello);
            if (!c.connectBlocking(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("ws connect failed");
            }
            return c;
        }

        @Override
        public void onOpen(ServerHandshake h) {
            send(hello);
        }

        @Override
        public void onMessage(String text) {
            long now = System.nanoTime();
            try {
                JsonNode m = JSON.readTree(text);
                String type = m.path("type").asText();
                counts.computeIfAbsent(type, k -> new AtomicInteger()).incrementAndGet();
                firstNanos.compareAndSet(0, now);
                lastNanos.set(now);
                String key = m.path("app").asText() + ":" + m.path("profile").asText();
                if (type.equals("config_change")) {
                    updated.put(key, m.path("new_version").asText());
                } else if (type.equals("config_snapshot")) {
                    updated.put(key, m.path("version").asText());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void clear() {
            counts.clear();
            updated.clear();
            firstNanos.set(0);
            lastNanos.set(0);
        }

        int count(String type) {
            AtomicInteger n = counts.get(type);
            return n == null ? 0 : n.get();
        }

        void awaitType(String type, long ms) throws InterruptedException {
            awaitCount(type, 1, ms);
        }

        void awaitCount(String type, int n, long ms) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (count(type) < n) {
                if (System.currentTimeMillis() > end || closed.get() > 0) {
                    throw new IllegalStateException(type + ": " + count(type) + " of " + n + (closed.get() > 0 ? " (closed)" : ""));
                }
                Thread.sleep(1);
            }
        }

        /** Every one of {@code n} targets reached some version in this round (a change or a snapshot). */
        void awaitUpdated(int n, long ms) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (updated.size() < n && System.currentTimeMillis() < end && closed.get() == 0) {
                Thread.sleep(1);
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            if (remote) {
                closed.incrementAndGet();
                System.out.println("  ws closed by the server: " + code + " " + reason);
            }
        }

        @Override
        public void onError(Exception ex) {
            System.out.println("  ws error: " + ex);
        }
    }
}
