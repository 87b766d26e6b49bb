package dev.vortex.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Start-up: process start until {@code /ready} answers 200, and resident memory then, for
 * {@code target/vortexd.jar} serving its demo repository from an existing data dir, with the JVM
 * options of make run and the unit (class-data sharing archive included), beside a bare JDK
 * HttpServer started with the same heap and GC options and only the JDK's default CDS archive (the
 * floor of this stack).
 */
final class StartupBench {
    // -Dstartup.runs=9 for a steadier median (each run is a start of each server)
    private static final int RUNS = Integer.getInteger("startup.runs", 3);

    private StartupBench() {
    }

    static void run(Table table) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        double[] ours = new double[RUNS];
        double[] oursRss = new double[RUNS];
        double[] bare = new double[RUNS];
        double[] bareRss = new double[RUNS];
        List<String> jvm = Daemon.jvmOpts();
        List<String> bareJvm = jvm.stream().filter(o -> !o.contains("SharedArchive") && !o.contains("AOTCache")).toList();
        Path data = Files.createTempDirectory("vortex-bench-start");
        int first = Ports.free();
        measure(command(java, jvm, data, first), first, "/ready"); // creates the demo repository and state.json
        for (int i = 0; i < RUNS; i++) {
            int port = Ports.free();
            double[] o = measure(command(java, jvm, data, port), port, "/ready");
            ours[i] = o[0];
            oursRss[i] = o[1];
            int bport = Ports.free();
            List<String> bareCmd = new java.util.ArrayList<>(List.of(java));
            bareCmd.addAll(bareJvm);
            bareCmd.addAll(List.of("-cp", cp, BareHttpServer.class.getName(), Integer.toString(bport)));
            double[] b = measure(bareCmd, bport, "/");
            bare[i] = b[0];
            bareRss[i] = b[1];
        }
        table.add("start-up to /ready, existing data dir (median of " + RUNS + "); baseline bare JDK HttpServer", median(ours), median(bare), "ms");
        table.add("RSS after start; baseline bare JDK HttpServer", median(oursRss), median(bareRss), "MiB");
    }

    private static List<String> command(String java, List<String> jvm, Path data, int port) {
        List<String> cmd = new java.util.ArrayList<>(List.of(java));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", "target/vortexd.jar", "--data-dir=" + data, "--http.port=" + port, "--ws.port=0", "--log.level=warn"));
        return cmd;
    }

    /** Returns {milliseconds until path answered 200, RSS in MiB then}. */
    private static double[] measure(List<String> cmd, int port, String path) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue());
                }
                try {
                    if (client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() - start > 60_000_000_000L) {
                    throw new IllegalStateException("not ready within 60 s: " + String.join(" ", cmd));
                }
                Thread.onSpinWait();
            }
            double ms = (System.nanoTime() - start) / 1e6;
            return new double[] {ms, rssMiB(p.pid())};
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return 0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

}
