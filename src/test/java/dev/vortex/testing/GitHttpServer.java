package dev.vortex.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smart HTTP git hosting for tests: a JDK {@link HttpServer} on 127.0.0.1 (free port) in front of
 * {@code git http-backend} (CGI), serving every repository under a project root. It can be switched
 * to fail (503), hang (accept and never answer) or answer garbage, and it records what a host
 * would see: requests in flight and when each fetch started (its {@code info/refs} request).
 */
public final class GitHttpServer implements AutoCloseable {

    /** How the server answers. */
    public enum Mode {
        /** Serve git. */
        OK,
        /** 503 Service Unavailable. */
        FAIL,
        /** Read the request, never answer (until the server closes). */
        HANG,
        /** 200 with bytes that are not git's protocol. */
        GARBAGE
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Instant> fetchStarts = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.OK;

    private GitHttpServer(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the repositories below {@code projectRoot} ({@code <root>/x.git} is {@code url("x.git")}). */
    public static GitHttpServer start(Path projectRoot) throws IOException {
        return new GitHttpServer(projectRoot);
    }

    /** A bare copy of {@code repo} at {@code root/name}, for serving. */
    public static Path bareCopy(TestRepo repo, Path root, String name) {
        Path target = root.resolve(name);
        repo.git("clone", "-q", "--bare", repo.dir().toString(), target.toString());
        return target;
    }

    public String url(String repoPath) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repoPath;
    }

    public void mode(Mode m) {
        this.mode = m;
    }

    public int requests() {
        return requests.get();
    }

    /** The most requests this server ever had in flight at once (a fetch has at most one in flight). */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** When each fetch started (its {@code info/refs} request), in arrival order. */
    public List<Instant> fetchStarts() {
        return List.copyOf(fetchStarts);
    }

    /** The most fetch starts in any window of {@code window}. */
    public int maxStartsWithin(Duration window) {
        List<Instant> starts = new ArrayList<>(fetchStarts);
        starts.sort(null);
        int max = 0;
        int lo = 0;
        for (int hi = 0; hi < starts.size(); hi++) {
            while (!starts.get(lo).plus(window).isAfter(starts.get(hi))) {
                lo++;
            }
            max = Math.max(max, hi - lo + 1);
        }
        return max;
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        if (ex.getRequestURI().getPath().endsWith("/info/refs")) {
            fetchStarts.add(Instant.now());
        }
        Runnable answered = once(inFlight::decrementAndGet);
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            switch (mode) {
                case OK -> cgi(ex, body, answered);
                case FAIL -> send(ex, 503, "text/plain", "unavailable\n".getBytes(StandardCharsets.UTF_8), answered);
                case HANG -> awaitClose();
                case GARBAGE -> send(ex, 200, "application/x-git-upload-pack-advertisement",
                        "<html>this is not git</html>\n".getBytes(StandardCharsets.UTF_8), answered);
            }
        } finally {
            answered.run();
        }
    }

    /** Runs {@code r} the first time only. A request stops being in flight just before its last byte goes out. */
    private static Runnable once(Runnable r) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                r.run();
            }
        };
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, Runnable answered) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        answered.run();
        ex.getResponseBody().write(body);
    }

    /** Runs {@code git http-backend} as CGI: environment in, request body on stdin, headers + body out. */
    private void cgi(HttpExchange ex, byte[] body, Runnable answered) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("git", "http-backend").redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("PATH_INFO", ex.getRequestURI().getPath());
        env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
        env.put("REQUEST_METHOD", ex.getRequestMethod());
        env.put("CONTENT_TYPE", header(ex, "Content-Type"));
        env.put("CONTENT_LENGTH", Integer.toString(body.length));
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        // git inflates a gzip body itself when told the encoding; the body is passed through as sent
        if (!header(ex, "Content-Encoding").isEmpty()) {
            env.put("HTTP_CONTENT_ENCODING", header(ex, "Content-Encoding"));
        }
        if (!header(ex, "Git-Protocol").isEmpty()) {
            env.put("HTTP_GIT_PROTOCOL", header(ex, "Git-Protocol"));
        }
        Process p = pb.start();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(body);
            } catch (IOException e) {
                // the backend stopped reading; its answer says why
            }
        });
        try (InputStream out = p.getInputStream()) {
            int status = 200;
            for (String line = readLine(out); line != null && !line.isEmpty(); line = readLine(out)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ")[0]);
                } else {
                    ex.getResponseHeaders().add(name, value);
                }
            }
            ex.sendResponseHeaders(status, 0);
            try (OutputStream response = ex.getResponseBody()) {
                out.transferTo(response);
                answered.run();
            }
        } finally {
            try {
                writer.join();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroy();
        }
    }

    private static String header(HttpExchange ex, String name) {
        String v = ex.getRequestHeaders().getFirst(name);
        return v == null ? "" : v;
    }

    /** One CGI header line without its CR LF (or LF); null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
