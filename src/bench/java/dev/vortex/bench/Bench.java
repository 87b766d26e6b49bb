package dev.vortex.bench;

import java.util.List;
import java.util.Locale;

/**
 * {@code make bench}: runs every benchmark (or those named as arguments) and prints one table of
 * figures beside baselines measured in the same run. Run from the project directory.
 */
public final class Bench {
    private Bench() {
    }

    @FunctionalInterface
    interface Part {
        void run(Table table) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        var parts = new java.util.LinkedHashMap<String, Part>();
        parts.put("startup", StartupBench::run);
        parts.put("serve", ServeBench::run);
        parts.put("render", RenderBench::run);
        parts.put("sync", SyncBench::run);
        parts.put("ssh", SshBench::run);
        parts.put("ws", WsBench::run);
        parts.put("ws-deflate", WsDeflateBench::run);
        parts.put("e2e", EndToEndBench::run);
        parts.put("cluster", ClusterBench::run);
        parts.put("latency", LatencyBench::run);
        parts.put("mono", MonoBench::run);
        parts.put("tls", TlsBench::run);
        List<String> chosen = args.length == 0 ? List.copyOf(parts.keySet()) : List.of(args);
        Table table = new Table();
        for (String name : chosen) {
            Part part = parts.get(name);
            if (part == null) {
                System.err.println("unknown benchmark '" + name + "'; known: " + parts.keySet());
                System.exit(2);
            }
            System.out.println("== " + name);
            part.run(table);
        }
        System.out.printf(Locale.ROOT, "%nmachine: %d cores, %s, Java %s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), Runtime.version());
        System.out.print(table.render());
    }
}
