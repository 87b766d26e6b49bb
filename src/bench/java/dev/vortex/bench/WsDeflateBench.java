package dev.vortex.bench;

import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.ws.ConfigFeed;
import dev.vortex.ws.Target;
import dev.vortex.ws.TokenCheck;
import dev.vortex.ws.Versioned;
import dev.vortex.ws.WsServer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.zip.Deflater;

/**
 * permessage-deflate: bytes on the wire for a 100 KiB snapshot and a typical change, with and
 * without compression; and fan-out latency at 1,000 sessions, all plain beside all compressed, in
 * the same run (goal: compressed p99 ≤ 1.1 × plain), six alternating runs of 10 changes each.
 * Clients are {@link WsBenchClient} processes (they offer deflate and inflate what they are sent,
 * inside the measured latency). About 30 s on 2 cores.
 * {@code make bench BENCH=ws-deflate}.
 */
public final class WsDeflateBench {
    private static final int PROCESSES = 2;
    private static final int SESSIONS = 1_000;
    private static final int ROUNDS = 10;
    private static final int ALTERNATIONS = 6;

    public static void main(String[] args) throws Exception {
        Table table = new Table();
        run(table);
        System.out.print(table.render());
    }

    static void run(Table table) throws Exception {
        Feed feed = new Feed();
        Metrics metrics = new Metrics();
        VortexConfig.Ws cfg = new VortexConfig.Ws("127.0.0.1", 0, 20_000, Duration.ofMinutes(10), Duration.ofSeconds(10),
                256, 64L << 20, 64L << 10, 100, 1000);
        WsServer server = new WsServer(cfg, feed, TokenCheck.open(), metrics, InstantSource.system());
        server.start();
        List<WsBench.Client> clients = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            clients.add(WsBench.Client.spawn());
        }
        try {
            long[] plain = wire(clients, server, metrics, feed, false);
            long[] packed = wire(clients, server, metrics, feed, true);
            table.add(String.format("ws 100 KiB snapshot on the wire (%,d bytes of JSON), deflate; baseline plain", feed.bigJsonBytes()),
                    packed[0], plain[0], "bytes");
            table.add("ws typical config_change on the wire (2 keys changed), deflate; baseline plain", packed[1], plain[1], "bytes");
            table.add("ws compressing a 100 KiB configuration (deflate level 6, mean of 50)",
                    String.format(java.util.Locale.ROOT, "%.2f ms", compressMillis(feed)), "once per channel version");

            // warm both paths, then alternate plain and compressed runs so drift hits both alike
            fanout(clients, server, metrics, feed, false, 10, new double[2]);
            fanout(clients, server, metrics, feed, true, 10, new double[2]);
            List<Long> plainLat = new ArrayList<>();
            List<Long> packedLat = new ArrayList<>();
            double[] plainEnqueue = new double[2];
            double[] packedEnqueue = new double[2];
            for (int i = 0; i < ALTERNATIONS; i++) {
                for (long v : fanout(clients, server, metrics, feed, false, ROUNDS, plainEnqueue)) {
                    plainLat.add(v);
                }
                for (long v : fanout(clients, server, metrics, feed, true, ROUNDS, packedEnqueue)) {
                    packedLat.add(v);
                }
            }
            long[] p = plainLat.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] d = packedLat.stream().mapToLong(Long::longValue).sorted().toArray();
            table.add("ws fan-out p50, 1,000 sessions, all deflate; baseline all plain", WsBench.ms(WsBench.pct(d, 50)),
                    WsBench.ms(WsBench.pct(p, 50)), "ms");
            table.add("ws fan-out p99, 1,000 sessions, all deflate; baseline all plain (goal ≤ 1.1×)", WsBench.ms(WsBench.pct(d, 99)),
                    WsBench.ms(WsBench.pct(p, 99)), "ms");
            table.add("ws enqueue for every session (server side, mean), 1,000 sessions, all deflate; baseline all plain",
                    packedEnqueue[0] / packedEnqueue[1] * 1e3, plainEnqueue[0] / plainEnqueue[1] * 1e3, "ms");
        } finally {
            for (WsBench.Client c : clients) {
                c.send("quit");
            }
            server.stop(Duration.ofSeconds(10));
        }
    }

    /** Bytes the server handed to one session: its 100 KiB snapshot, then one typical change. */
    private static long[] wire(List<WsBench.Client> clients, WsServer server, Metrics metrics, Feed feed, boolean deflate) throws Exception {
        double start = bytes(metrics);
        WsBench.connect(clients, server.port(), "/ws/big/prod", 1, deflate);
        WsBench.awaitSubscribed(metrics, 1);
        if (!WsBench.waitFor(() -> bytes(metrics) > start, 30)) {
            throw new IllegalStateException("no snapshot sent");
        }
        double snapshot = bytes(metrics) - start;
        WsBench.round(clients, 0, 1, () -> {
            feed.bumpBig();
            server.onChange("bench", "main", null, null);
        });
        double change = bytes(metrics) - start - snapshot;
        WsBench.closeAll(clients);
        WsBench.awaitSessions(server::sessionCount, 0);
        return new long[] {(long) snapshot, (long) change};
    }

    /**
     * Change → config_change at the client, every session of one kind, {@code rounds} changes;
     * {@code enqueue} adds the seconds and count of vortex_ws_fanout_duration_seconds (change → last
     * enqueue) of those rounds.
     */
    private static long[] fanout(List<WsBench.Client> clients, WsServer server, Metrics metrics, Feed feed, boolean deflate, int rounds,
                                 double[] enqueue) throws Exception {
        WsBench.connect(clients, server.port(), "/ws/bench/prod", SESSIONS, deflate);
        WsBench.awaitSubscribed(metrics, SESSIONS);
        WsBench.round(clients, 0, 2, () -> {
            feed.bump();
            server.onChange("bench", "main", null, null);
        });
        WsBench.collect(clients);
        double[] before = WsBench.fanoutSumCount(metrics);
        WsBench.round(clients, 2, rounds, () -> {
            feed.bump();
            server.onChange("bench", "main", null, null);
        });
        double[] after = WsBench.fanoutSumCount(metrics);
        enqueue[0] += after[0] - before[0];
        enqueue[1] += after[1] - before[1];
        long[] lat = WsBench.collect(clients);
        WsBench.closeAll(clients);
        WsBench.awaitSessions(server::sessionCount, 0);
        return lat;
    }

    private static double compressMillis(Feed feed) {
        byte[] json = feed.bigJson();
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] out = new byte[json.length + 1024];
        long start = 0;
        for (int i = 0; i < 60; i++) {
            if (i == 10) {
                start = System.nanoTime();
            }
            d.setInput(json);
            d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            d.reset();
        }
        d.end();
        return (System.nanoTime() - start) / 50 / 1e6;
    }

    private static double bytes(Metrics metrics) {
        return metrics.counter("vortex_ws_bytes_sent_total", "").value();
    }

    /**
     * Two targets: bench:prod (40 settings and bench.sent, the fan-out message) and big:prod (a
     * 100 KiB configuration of service endpoints, flags and some random tokens, as real ones hold).
     */
    private static final class Feed implements ConfigFeed {
        private final Target small = new Target("bench", "prod", "main");
        private final Target big = new Target("big", "prod", "main");
        private final Random random = new Random(42);
        private volatile Versioned smallNow;
        private volatile Versioned bigNow;
        private int commit;

        Feed() {
            bump();
            Map<String, Object> cfg = new LinkedHashMap<>();
            for (int i = 0; approxJson(cfg) < 100 * 1024; i++) {
                cfg.put("services." + i + ".url", "https://svc-" + i + ".internal.example.com:8443/api/v" + (i % 3 + 1));
                cfg.put("services." + i + ".timeout-ms", 1000 + random.nextInt(9000));
                cfg.put("services." + i + ".enabled", random.nextBoolean());
                if (i % 4 == 0) {
                    cfg.put("services." + i + ".token", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
                }
            }
            bigNow = new Versioned(String.format("%040x", ++commit), cfg);
        }

        private static int approxJson(Map<String, Object> cfg) {
            int n = 2;
            for (Map.Entry<String, Object> e : cfg.entrySet()) {
                n += e.getKey().length() + String.valueOf(e.getValue()).length() + 6;
            }
            return n;
        }

        synchronized void bump() {
            Map<String, Object> cfg = new LinkedHashMap<>();
            for (int i = 0; i < 40; i++) {
                cfg.put("service.setting." + i, "value-" + i);
            }
            cfg.put("bench.sent", System.nanoTime());
            smallNow = new Versioned(String.format("%040x", ++commit), cfg);
        }

        /** A typical change: one timeout and one flag. */
        synchronized void bumpBig() {
            Map<String, Object> cfg = new LinkedHashMap<>(bigNow.config());
            cfg.put("services.7.timeout-ms", 1000 + random.nextInt(9000));
            cfg.put("services.12.enabled", !(Boolean) cfg.get("services.12.enabled"));
            bigNow = new Versioned(String.format("%040x", ++commit), cfg);
        }

        byte[] bigJson() {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(bigNow.config());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        int bigJsonBytes() {
            return bigJson().length;
        }

        @Override
        public Optional<String> defaultLabel(String app) {
            return Optional.of("main");
        }

        @Override
        public Optional<Versioned> current(Target t) {
            return t.equals(small) ? Optional.of(smallNow) : t.equals(big) ? Optional.of(bigNow) : Optional.empty();
        }

        @Override
        public Optional<Map<String, Object>> at(Target t, String commit) {
            return Optional.empty();
        }

        @Override
        public Set<Target> targets() {
            return Set.of(small, big);
        }

        @Override
        public boolean affects(String repo, String label, Target t) {
            return true;
        }
    }
}
