package dev.vortex.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code haproxy} as a child process in the foreground, with a configuration the test
 * writes; {@link #close()} kills it. {@link #require()} skips (or under {@code CI=true} fails) a
 * test when it is not installed.
 */
public final class Haproxy implements AutoCloseable {
    private static final Path DEFAULT_BINARY = Path.of("/usr/sbin/haproxy");

    private final Process process;
    private final Path log;

    private Haproxy(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static Optional<Path> binary() {
        Path p = Path.of(System.getProperty("vortex.haproxy", DEFAULT_BINARY.toString()));
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    public static void require() {
        Tools.require(binary().isPresent(), "no haproxy at " + System.getProperty("vortex.haproxy", DEFAULT_BINARY.toString())
                + " (apt-get install -y haproxy, or -Dvortex.haproxy=PATH)");
    }

    /** {@code haproxy -c -f config}: the output when the configuration is refused, empty when it is valid. */
    public static Optional<String> check(Path config) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary().orElseThrow().toString(), "-c", "-q", "-f", config.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? Optional.empty() : Optional.of(out);
    }

    /** Starts {@code haproxy -db -f config} (foreground, no daemon), its output in {@code dir/haproxy.log}. */
    public static Haproxy start(Path config, Path dir) throws IOException, InterruptedException {
        Optional<String> refused = check(config);
        if (refused.isPresent()) {
            throw new IllegalStateException("haproxy refuses " + config + ":\n" + refused.get());
        }
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(binary().orElseThrow().toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Haproxy(p, log);
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The configuration: an HTTP frontend and a WebSocket frontend, each replica checked on its {@code /ready}. */
    public static String config(int httpPort, int wsPort, List<int[]> replicas) {
        StringBuilder http = new StringBuilder();
        StringBuilder ws = new StringBuilder();
        for (int i = 0; i < replicas.size(); i++) {
            int[] r = replicas.get(i);
            http.append("  server r").append(i + 1).append(" 127.0.0.1:").append(r[0]).append(" check\n");
            ws.append("  server r").append(i + 1).append(" 127.0.0.1:").append(r[1]).append(" check port ").append(r[0]).append('\n');
        }
        return """
                global
                  maxconn 4096
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 60s
                  timeout server 60s
                  timeout tunnel 1h
                  retries 3
                  option redispatch
                  default-server inter 250ms fall 3 rise 2
                frontend http
                  bind 127.0.0.1:%d
                  default_backend vortex_http
                frontend ws
                  bind 127.0.0.1:%d
                  default_backend vortex_ws
                backend vortex_http
                  balance roundrobin
                  option httpchk GET /ready
                  http-check expect status 200
                %sbackend vortex_ws
                  balance roundrobin
                  option httpchk GET /ready
                  http-check expect status 200
                %s""".formatted(httpPort, wsPort, http, ws);
    }
}
