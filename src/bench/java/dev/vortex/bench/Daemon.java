package dev.vortex.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code target/vortexd.jar} in a child process, for benchmarks that measure it from outside. */
final class Daemon implements AutoCloseable {
    final Process process;
    final int httpPort;
    final int wsPort;
    /** Trusts the daemon's certificate when it serves HTTPS ({@code tls.cert-file}); null for plain HTTP. */
    private final javax.net.ssl.SSLContext tls;

    private Daemon(Process process, int httpPort, int wsPort, javax.net.ssl.SSLContext tls) {
        this.process = process;
        this.httpPort = httpPort;
        this.wsPort = wsPort;
        this.tls = tls;
    }

    /** Starts the jar with its demo repository (or {@code extraArgs}) and waits for {@code /ready}. */
    static Daemon start(List<String> jvmArgs, List<String> extraArgs) throws Exception {
        return start(jvmArgs, extraArgs, null);
    }

    /** As {@link #start(List, List)}, over HTTPS when {@code tls} (a context trusting its certificate) is given. */
    static Daemon start(List<String> jvmArgs, List<String> extraArgs, javax.net.ssl.SSLContext tls) throws Exception {
        return start(jvmArgs, extraArgs, tls, Ports.free(), Ports.free());
    }

    /** {@link #start(List, List)} on given ports (replicas that name each other as peers need them before they start). */
    static Daemon start(List<String> jvmArgs, List<String> extraArgs, javax.net.ssl.SSLContext tls, int http, int ws) throws Exception {
        Path data = Files.createTempDirectory("vortex-bench");
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", "target/vortexd.jar", "--data-dir=" + data, "--http.port=" + http, "--ws.port=" + ws,
                "--log.level=warn"));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        Daemon d = new Daemon(p, http, ws, tls);
        d.awaitReady(120_000);
        return d;
    }

    /** The JVM options make bench passes ({@code -Dvortex.jvm-opts}: those of make run and the unit, with the class-data sharing archive or AOT cache). */
    static List<String> jvmOpts() {
        String opts = System.getProperty("vortex.jvm-opts", "").strip();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    void awaitReady(long timeoutMs) throws Exception {
        HttpClient client = client();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("vortexd exited with " + process.exitValue());
            }
            try {
                if (client.send(HttpRequest.newBuilder(url("/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("vortexd not ready within " + timeoutMs + " ms");
    }

    URI url(String path) {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + httpPort + path);
    }

    private HttpClient client() {
        return tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
    }

    byte[] get(String path) throws Exception {
        return client().send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    @Override
    public void close() {
        stop(process);
    }

    /** SIGTERM, then up to 30 s for the process to end. */
    static void stop(Process process) {
        process.destroy();
        try {
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
