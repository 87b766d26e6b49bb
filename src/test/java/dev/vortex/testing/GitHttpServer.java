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
 * to fail (503), hang (accept and never answer), stall in the middle of a pack or answer garbage,
 * can demand HTTP basic credentials, and it records what a host would see: requests in flight and
 * when each fetch started (its {@code info/refs} request).
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
        GARBAGE,
        /** Refs are advertised; a pack is answered with its first half, then nothing (until the server closes). */
        STALL,
        /** git's answer with one byte in the middle of the pack flipped, the pkt-line framing kept. */
        CORRUPT_PACK,
        /** git's answer with the pack's side-band data cut off half-way, then the flush that ends an answer. */
        TRUNCATED_PACK,
        /** 200 with an upload-pack result: NAK, then an error on side-band 3 ({@link #BAND_ERROR_MESSAGE}). */
        BAND_ERROR
    }

    /** What {@link Mode#BAND_ERROR} says on band 3. */
    public static final String BAND_ERROR_MESSAGE = "the host is over its pack quota";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Instant> fetchStarts = new CopyOnWriteArrayList<>();
    private final AtomicInteger stalled = new AtomicInteger();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicReference<Map.Entry<String, Mode>> nextPost = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicReference<Map.Entry<String, String>> nextRewrite = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile Mode mode = Mode.OK;
    private volatile String basicAuth;
    private volatile int missingStatus;

    private GitHttpServer(Path root) throws IOException {
        this(root, null);
    }

    private GitHttpServer(Path root, javax.net.ssl.SSLContext tls) throws IOException {
        this.root = root.toAbsolutePath();
        if (tls == null) {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            this.server = https;
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the repositories below {@code projectRoot} ({@code <root>/x.git} is {@code url("x.git")}). */
    public static GitHttpServer start(Path projectRoot) throws IOException {
        return new GitHttpServer(projectRoot);
    }

    /** The same over TLS ({@code https://127.0.0.1:port/…}) with the certificate of {@code tls}. */
    public static GitHttpServer startTls(Path projectRoot, javax.net.ssl.SSLContext tls) throws IOException {
        return new GitHttpServer(projectRoot, tls);
    }

    /** A bare copy of {@code repo} at {@code root/name}, for serving. */
    public static Path bareCopy(TestRepo repo, Path root, String name) {
        Path target = root.resolve(name);
        repo.git("clone", "-q", "--bare", repo.dir().toString(), target.toString());
        return target;
    }

    /**
     * Serves a bare copy of {@code repo} as {@code name} (e.g. {@code cfg.git}) and adds that copy to
     * {@code repo} as its remote {@code served}, so {@link TestRepo#push()} publishes new commits.
     * Returns the URL.
     */
    public String serve(TestRepo repo, String name) {
        Path bare = bareCopy(repo, root, name);
        repo.git("remote", "add", "served", bare.toString());
        return url(name);
    }

    public String url(String repoPath) {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/" + repoPath;
    }

    public void mode(Mode m) {
        this.mode = m;
    }

    /**
     * From now on every request must carry these HTTP basic credentials; without them it gets 401 and
     * a {@code WWW-Authenticate} challenge (what makes git clients send the credentials they hold).
     */
    public void requireBasicAuth(String user, String password) {
        this.basicAuth = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * From now on a request for a repository that does not exist is answered with {@code status} instead
     * of {@code git http-backend}'s 404: 401 with a {@code WWW-Authenticate} challenge is what GitHub and
     * GitLab answer without credentials, 403 what a host answers credentials that may not read it.
     */
    public void answerMissingWith(int status) {
        this.missingStatus = status;
    }

    /**
     * The next {@code git-upload-pack} POST whose body contains {@code marker} (e.g. the agent of one
     * client) is answered in {@code m}; every other request as {@link #mode}.
     */
    public void answerNextPostContaining(String marker, Mode m) {
        nextPost.set(Map.entry(marker, m));
    }

    /**
     * The next {@code git-upload-pack} POST whose body contains {@code from} gets {@code to} in its
     * place before git reads it (same length, so its pkt-lines stay whole): a client's {@code have}
     * swapped for a commit it lacks makes git leave that commit's objects out of the pack.
     */
    public void rewriteNextPost(String from, String to) {
        if (from.length() != to.length()) {
            throw new IllegalArgumentException("a rewrite keeps the length");
        }
        nextRewrite.set(Map.entry(from, to));
    }

    /**
     * Every request so far, in arrival order, as {@code METHOD path} and what its body names of the
     * protocol v2 command and the agent: {@code POST /cfg.git/git-upload-pack command=fetch agent=JGit/7.4.0…}.
     */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    /** Requests being answered right now (a hanging or stalled request stays in flight). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Pack answers stopped half-way so far ({@link Mode#STALL}). */
    public int stalled() {
        return stalled.get();
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
            String text = new String("gzip".equals(header(ex, "Content-Encoding")) ? gunzip(body) : body, StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher command = java.util.regex.Pattern.compile("command=[a-z-]+").matcher(text);
            java.util.regex.Matcher agent = java.util.regex.Pattern.compile("agent=[^\\s\\x00]+").matcher(text);
            requestLines.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + (command.find() ? " " + command.group() : "")
                    + (agent.find() ? " " + agent.group() : ""));
            String auth = basicAuth;
            if (auth != null && !auth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                send(ex, 401, "text/plain", "authentication required\n".getBytes(StandardCharsets.UTF_8), answered);
                return;
            }
            int missing = missingStatus;
            if (missing != 0 && !java.nio.file.Files.isDirectory(root.resolve(repoPath(ex.getRequestURI().getPath())))) {
                if (missing == 401) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                }
                send(ex, missing, "text/plain", "repository not found\n".getBytes(StandardCharsets.UTF_8), answered);
                return;
            }
            Map.Entry<String, String> rewrite = nextRewrite.get();
            if (rewrite != null && ex.getRequestURI().getPath().endsWith("/git-upload-pack") && text.contains(rewrite.getKey())
                    && header(ex, "Content-Encoding").isEmpty() && nextRewrite.compareAndSet(rewrite, null)) {
                body = text.replace(rewrite.getKey(), rewrite.getValue()).getBytes(StandardCharsets.ISO_8859_1);
            }
            Mode m = mode;
            Map.Entry<String, Mode> override = nextPost.get();
            if (override != null && ex.getRequestURI().getPath().endsWith("/git-upload-pack") && text.contains(override.getKey())
                    && nextPost.compareAndSet(override, null)) {
                m = override.getValue();
            }
            if (m == Mode.STALL && !ex.getRequestURI().getPath().endsWith("/git-upload-pack")) {
                m = Mode.OK; // advertise the refs so the client asks for a pack
            }
            switch (m) {
                case OK, STALL, CORRUPT_PACK, TRUNCATED_PACK -> cgi(ex, body, answered, m);
                case BAND_ERROR -> send(ex, 200, "application/x-git-upload-pack-result",
                        ("0008NAK\n" + String.format("%04x", BAND_ERROR_MESSAGE.length() + 6) + "\3" + BAND_ERROR_MESSAGE + "\n0000")
                                .getBytes(StandardCharsets.US_ASCII), answered);
                case FAIL -> send(ex, 503, "text/plain", "unavailable\n".getBytes(StandardCharsets.UTF_8), answered);
                case HANG -> awaitClose();
                case GARBAGE -> send(ex, 200, "application/x-git-upload-pack-advertisement",
                        "<html>this is not git</html>\n".getBytes(StandardCharsets.UTF_8), answered);
            }
        } finally {
            answered.run();
        }
    }

    // "/x.git/info/refs" → "x.git"
    private static String repoPath(String path) {
        int git = path.indexOf(".git/");
        return (git < 0 ? path : path.substring(0, git + 4)).replaceFirst("^/+", "");
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
    private void cgi(HttpExchange ex, byte[] body, Runnable answered, Mode m) throws IOException {
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
                if (m == Mode.CORRUPT_PACK || m == Mode.TRUNCATED_PACK) {
                    response.write(damage(out.readAllBytes(), m));
                    answered.run();
                    return;
                }
                if (m == Mode.STALL) {
                    byte[] all = out.readAllBytes();
                    response.write(all, 0, all.length / 2);
                    response.flush();
                    stalled.incrementAndGet();
                    awaitClose();
                    return;
                }
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

    /**
     * An upload-pack answer (pkt-lines) with its pack damaged as {@code m} says: the byte half-way
     * through the side-band-1 data flipped, or the band-1 data after that point left out.
     */
    private static byte[] damage(byte[] answer, Mode m) {
        List<byte[]> pkts = new ArrayList<>();
        int packBytes = 0;
        for (int i = 0; i + 4 <= answer.length; ) {
            int length = Integer.parseInt(new String(answer, i, 4, StandardCharsets.US_ASCII), 16);
            byte[] pkt = java.util.Arrays.copyOfRange(answer, i, i + Math.max(length, 4));
            pkts.add(pkt);
            packBytes += length > 5 && pkt[4] == 1 ? length - 5 : 0;
            i += pkt.length;
        }
        int middle = packBytes / 2;
        int seen = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] pkt : pkts) {
            if (pkt.length <= 5 || pkt[4] != 1) {
                out.writeBytes(pkt);
                continue;
            }
            int n = pkt.length - 5;
            if (m == Mode.CORRUPT_PACK && seen <= middle && middle < seen + n) {
                pkt[5 + middle - seen] ^= 0x5a;
            }
            int keep = m == Mode.TRUNCATED_PACK ? Math.max(0, Math.min(n, middle - seen)) : n;
            if (keep > 0) {
                out.writeBytes(String.format("%04x", keep + 5).getBytes(StandardCharsets.US_ASCII));
                out.write(pkt, 4, keep + 1);
            }
            seen += n;
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] body) {
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException e) {
            return body;
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
