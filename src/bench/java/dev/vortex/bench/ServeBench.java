package dev.vortex.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wrk -t2 -c50} on {@code GET /demo/prod}, beside a bare JDK HttpServer answering the same
 * bytes in the same run (the ceiling of this stack). Needs wrk ({@code apt-get install -y wrk}).
 */
final class ServeBench {
    private static final String DURATION = "10s";

    private ServeBench() {
    }

    static void run(Table table) throws Exception {
        if (!onPath("wrk")) {
            table.add("GET /demo/prod (wrk)", "not run", "wrk missing: apt-get install -y wrk");
            return;
        }
        try (Daemon d = Daemon.start(List.of("-Xmx512m"), List.of())) {
            byte[] body = d.get("/demo/prod");
            Path file = Files.createTempFile("vortex-bench-body", ".json");
            Files.write(file, body);
            int bport = Ports.free();
            Process bare = new ProcessBuilder(Daemon.java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    BareHttpServer.class.getName(), Integer.toString(bport), file.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Ports.awaitListening(bport, 30_000);
                String ours = "http://127.0.0.1:" + d.httpPort + "/demo/prod";
                String floor = "http://127.0.0.1:" + bport + "/demo/prod";
                wrk(floor, "2s");
                wrk(ours, "2s"); // warm both JITs before measuring
                Result b = wrk(floor, DURATION);
                Result o = wrk(ours, DURATION);
                table.add("GET /demo/prod throughput (wrk -t2 -c50, " + body.length + " B)", o.rps, b.rps, "req/s");
                table.add("GET /demo/prod p50", o.p50, b.p50, "ms");
                table.add("GET /demo/prod p99", o.p99, b.p99, "ms");
            } finally {
                bare.destroy();
                bare.waitFor();
            }
        }
    }

    private record Result(double rps, double p50, double p99) {
    }

    private static Result wrk(String url, String duration) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t2", "-c50", "-d" + duration, "--latency", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || out.contains("Non-2xx")) {
            throw new IllegalStateException("wrk failed or saw errors:\n" + out);
        }
        return new Result(number(out, "Requests/sec:\\s+([0-9.]+)"), millis(out, "50%"), millis(out, "99%"));
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in wrk output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    // wrk prints latencies as 812.00us, 1.23ms or 1.01s
    private static double millis(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + percentile + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " latency in wrk output:\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
