package dev.vortex.bench;

import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.ws.ConfigFeed;
import dev.vortex.ws.Target;
import dev.vortex.ws.TokenCheck;
import dev.vortex.ws.Versioned;
import dev.vortex.ws.WsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * WebSocket fan-out benchmark: vortex's {@link WsServer} beside a bare Java-WebSocket server
 * measured in the same run (the floor). Clients run in separate processes
 * ({@link WsBenchClient}), each holding many connections on one selector thread.
 *
 * <ul>
 *   <li>fan-out latency p50/p99 at 1, 1,000 and 10,000 sessions: our change (feed updated, then
 *       {@code onChange}) → {@code config_change} received, beside the bare server's
 *       {@code broadcast()} of a message of the same size;</li>
 *   <li>idle heap per session at 10,000 sessions (live heap after GC / sessions);</li>
 *   <li>the most sessions held without errors.</li>
 * </ul>
 * Adds its rows to {@code make bench}'s {@link Table} ({@code Bench} part {@code ws}); alone:
 * {@code java -Xmx2g -cp target/test-classes:target/classes:DEPS dev.vortex.bench.WsBench}. About
 * two to four minutes on 2 cores.
 */
public final class WsBench {
    private static final int PROCESSES = 4;
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws Exception {
        Table table = new Table();
        run(table);
        System.out.print(table.render());
    }

    static void run(Table table) throws Exception {
        BenchFeed feed = new BenchFeed();
        Metrics metrics = new Metrics();
        VortexConfig.Ws cfg = new VortexConfig.Ws(HOST, 0, 20_000, Duration.ofMinutes(10), Duration.ofSeconds(10),
                256, 4L << 20, 64L << 10, 100, 1000);
        WsServer ours = new WsServer(cfg, feed, TokenCheck.open(), metrics, InstantSource.system());
        ours.start();
        Bare bare = new Bare();
        bare.start();
        bare.started.await(10, TimeUnit.SECONDS);

        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            clients.add(Client.spawn());
        }
        try {
            // Warm-up, and the size of one config_change to give the bare server the same message.
            connect(clients, ours.port(), "/ws/bench/prod", 1);
            awaitSubscribed(metrics, 1);
            round(clients, 0, 300, () -> {
                feed.bump();
                ours.onChange("bench", "main", null, null);
            });
            int size = (int) (metrics.counter("vortex_ws_bytes_sent_total", "").value() / 300) - 2;
            closeAll(clients);
            awaitSessions(ours::sessionCount, 0);

            // -Dbench.ws.sizes=1000 (comma-separated): only those fan-out rows, without the most-sessions step
            String only = System.getProperty("bench.ws.sizes");
            int[] sizes = only == null ? new int[] {1, 1_000, 10_000}
                    : java.util.Arrays.stream(only.split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
            for (int n : sizes) {
                int rounds = n == 1 ? 300 : n == 1_000 ? 60 : 20;
                long[] bareEnqueue = new long[2];
                long[] bareHeap = new long[1];
                long[] bareLat = measureBare(clients, bare, n, rounds, size, bareEnqueue, n == 10_000 ? bareHeap : null);
                double[] before = fanoutSumCount(metrics);
                long[] ourHeap = new long[1];
                long[] ourLat = measureOurs(clients, ours, metrics, feed, n, rounds, n == 10_000 ? ourHeap : null);
                double[] after = fanoutSumCount(metrics);
                String sessions = String.format(Locale.ROOT, "%,d session%s", n, n == 1 ? "" : "s");
                table.add("ws fan-out p50 (change → config_change at the client), " + sessions + "; baseline bare broadcast()",
                        ms(pct(ourLat, 50)), ms(pct(bareLat, 50)), "ms");
                table.add("ws fan-out p99, " + sessions + "; baseline bare broadcast()", ms(pct(ourLat, 99)), ms(pct(bareLat, 99)), "ms");
                table.add("ws enqueue for every session (mean), " + sessions + "; baseline bare broadcast() call",
                        (after[0] - before[0]) / (after[1] - before[1]) * 1e3, ms(bareEnqueue[0] / bareEnqueue[1]), "ms");
                if (n == 10_000) {
                    table.add("ws idle heap per session, 10,000 sessions; baseline bare server", ourHeap[0], bareHeap[0], "bytes");
                }
            }
            table.add("ws message size (config_change; the bare server sends the same size)", size + " bytes", "same run");
            if (only == null) {
                table.add("ws most sessions held without errors (tried 15,000 and 19,000)",
                        String.format(Locale.ROOT, "%,d", mostSessions(clients, ours)), "goal 15,000");
            }
        } finally {
            for (Client c : clients) {
                c.send("quit");
            }
            ours.stop(Duration.ofSeconds(10));
            bare.stop(1000);
        }
    }

    // Idle heap per session = (live heap with the sessions open - live heap after they closed) / n,
    // both taken on the same warm server, so only what the sessions hold is counted.

    private static long[] measureBare(List<Client> clients, Bare bare, int n, int rounds, int size, long[] enqueue,
                                      long[] heapPerSession) throws Exception {
        connect(clients, bare.getPort(), "/", n);
        awaitSessions(() -> bare.getConnections().size(), n);
        long held = heapPerSession == null ? 0 : liveHeap();
        long[] lat = measure(clients, rounds, () -> {
            long start = System.nanoTime();
            bare.broadcast(bareMessage(size));
            enqueue[0] += System.nanoTime() - start;
            enqueue[1]++;
        });
        closeAll(clients);
        awaitSessions(() -> bare.getConnections().size(), 0);
        if (heapPerSession != null) {
            heapPerSession[0] = (held - liveHeap()) / n;
        }
        return lat;
    }

    private static long[] measureOurs(List<Client> clients, WsServer ours, Metrics metrics, BenchFeed feed, int n, int rounds,
                                      long[] heapPerSession) throws Exception {
        connect(clients, ours.port(), "/ws/bench/prod", n);
        awaitSubscribed(metrics, n);
        long held = heapPerSession == null ? 0 : liveHeap();
        long[] lat = measure(clients, rounds, () -> {
            feed.bump();
            ours.onChange("bench", "main", null, null);
        });
        closeAll(clients);
        awaitSessions(ours::sessionCount, 0);
        if (heapPerSession != null) {
            heapPerSession[0] = (held - liveHeap()) / n;
        }
        return lat;
    }

    /**
     * Two unrecorded rounds first (connect-time traffic such as our snapshots has drained by
     * then), then {@code rounds} recorded ones.
     */
    private static long[] measure(List<Client> clients, int rounds, Runnable publish) throws Exception {
        round(clients, 0, 2, publish);
        collect(clients);
        round(clients, 2, rounds, publish);
        return collect(clients);
    }

    /**
     * Tries 15,000 then 19,000 sessions (this process may open 20,000 files); the most held
     * without errors. A step that does not complete in time counts as not held.
     */
    private static int mostSessions(List<Client> clients, WsServer ours) throws Exception {
        int held = 0;
        for (int n : new int[] {15_000, 19_000}) {
            boolean all;
            try {
                all = connect(clients, ours.port(), "/ws/bench/prod", n) == n && waitFor(() -> ours.sessionCount() == n, 60);
            } catch (IllegalStateException e) {
                System.out.println("  " + n + " sessions: " + e.getMessage());
                all = false;
            }
            closeAll(clients);
            awaitSessions(ours::sessionCount, 0);
            if (!all) {
                break;
            }
            held = n;
        }
        return held;
    }

    // ---- driving the client processes ----

    /** Opens n connections spread over the client processes; returns how many opened. */
    static int connect(List<Client> clients, int port, String path, int n) throws Exception {
        return connect(clients, port, path, n, false);
    }

    /** {@code deflate}: the connections offer permessage-deflate. */
    static int connect(List<Client> clients, int port, String path, int n, boolean deflate) throws Exception {
        int opened = 0;
        int each = n / clients.size();
        int extra = n % clients.size();
        List<Client> used = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            int k = each + (i < extra ? 1 : 0);
            if (k > 0) {
                clients.get(i).send("connect " + HOST + " " + port + " " + path + " " + k + (deflate ? " deflate" : ""));
                used.add(clients.get(i));
            }
        }
        for (Client c : used) {
            String[] w = c.expect("connected").split(" ");
            opened += Integer.parseInt(w[1]);
        }
        for (Client c : clients) {
            c.active = used.contains(c);
        }
        return opened;
    }

    /** Publishes {@code rounds} times, each once every client process had the previous one ({@code done} counts on from {@code before}). */
    static void round(List<Client> clients, int before, int rounds, Runnable publish) throws Exception {
        for (int r = before + 1; r <= before + rounds; r++) {
            publish.run();
            for (Client c : clients) {
                if (c.active) {
                    c.expect("done " + r);
                }
            }
        }
    }

    static long[] collect(List<Client> clients) throws Exception {
        List<long[]> parts = new ArrayList<>();
        for (Client c : clients) {
            c.send("report");
        }
        for (Client c : clients) {
            String[] w = c.expect("lat").split(" ");
            long[] v = new long[Integer.parseInt(w[1])];
            for (int i = 0; i < v.length; i++) {
                v[i] = Long.parseLong(w[i + 2]);
            }
            parts.add(v);
        }
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    static void closeAll(List<Client> clients) throws Exception {
        for (Client c : clients) {
            c.send("close");
        }
        for (Client c : clients) {
            c.expect("closed");
        }
    }

    /** Sum (seconds) and count of vortex_ws_fanout_duration_seconds: change event → last enqueue. */
    static double[] fanoutSumCount(Metrics metrics) {
        double[] out = new double[2];
        metrics.scrape().lines().forEach(l -> {
            if (l.startsWith("vortex_ws_fanout_duration_seconds_sum ")) {
                out[0] = Double.parseDouble(l.substring(l.indexOf(' ') + 1));
            } else if (l.startsWith("vortex_ws_fanout_duration_seconds_count ")) {
                out[1] = Double.parseDouble(l.substring(l.indexOf(' ') + 1));
            }
        });
        return out;
    }

    /** Every session is subscribed (the hub registered it), so the next change reaches all of them. */
    static void awaitSubscribed(Metrics metrics, int n) throws InterruptedException {
        String line = "vortex_ws_subscriptions " + n;
        if (!waitFor(() -> metrics.scrape().lines().anyMatch(line::equals), 120)) {
            throw new IllegalStateException("expected " + n + " subscriptions");
        }
    }

    static void awaitSessions(java.util.function.IntSupplier count, int n) throws InterruptedException {
        if (!waitFor(() -> count.getAsInt() == n, 120)) {
            throw new IllegalStateException("expected " + n + " sessions, have " + count.getAsInt());
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier cond, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- figures ----

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** A message shaped like a config_change of {@code size} bytes carrying the send time. */
    private static String bareMessage(int size) {
        String head = "{\"v\":1,\"type\":\"config_change\",\"diff\":[{\"op\":\"replace\",\"path\":\"/bench.sent\",\"value\":"
                + System.nanoTime() + "}],\"pad\":\"";
        int pad = Math.max(0, size - head.length() - 2);
        return head + "x".repeat(pad) + "\"}";
    }

    /** One client process and its line protocol. */
    static final class Client {
        final Process process;
        final PrintStream in;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        boolean active;

        private Client(Process p) {
            this.process = p;
            this.in = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("error " + e);
                }
            });
        }

        static Client spawn() throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    WsBenchClient.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Client(p);
        }

        void send(String cmd) {
            in.println(cmd);
        }

        /** The next line starting with {@code prefix}, skipping stale "done" lines; fails after 120 s. */
        String expect(String prefix) throws InterruptedException {
            while (true) {
                String line = lines.poll(120, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("client process: no '" + prefix + "' within 120 s");
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
                if (line.startsWith("error")) {
                    throw new IllegalStateException("client process: " + line);
                }
            }
        }
    }

    /**
     * The floor: a bare Java-WebSocket server that accepts everything and broadcasts. It gets one
     * shared draft list, as ours does (the library's default builds a second draft per
     * connection), so the heap difference is what vortex adds per session.
     */
    private static final class Bare extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);

        Bare() {
            super(new InetSocketAddress(HOST, 0), List.of(new Draft_6455()));
            setReuseAddr(true);
            setTcpNoDelay(true);
            setDaemon(true);
            setConnectionLostTimeout(0);
            setMaxPendingConnections(1024);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }

    /** One target, bench:prod:main, with a realistic configuration whose bench.sent changes every round. */
    private static final class BenchFeed implements ConfigFeed {
        private final Target target = new Target("bench", "prod", "main");
        private volatile Versioned current;
        private int commit;

        BenchFeed() {
            bump();
        }

        synchronized void bump() {
            Map<String, Object> cfg = new LinkedHashMap<>();
            for (int i = 0; i < 40; i++) {
                cfg.put("service.setting." + i, "value-" + i);
            }
            cfg.put("bench.sent", System.nanoTime());
            current = new Versioned(String.format("%040x", ++commit), cfg);
        }

        @Override
        public Optional<String> defaultLabel(String app) {
            return Optional.of("main");
        }

        @Override
        public Optional<Versioned> current(Target t) {
            return t.equals(target) ? Optional.of(current) : Optional.empty();
        }

        @Override
        public Optional<Map<String, Object>> at(Target t, String commit) {
            return Optional.empty();
        }

        @Override
        public Set<Target> targets() {
            return Set.of(target);
        }

        @Override
        public boolean affects(String repo, String label, Target t) {
            return t.equals(target);
        }
    }
}
