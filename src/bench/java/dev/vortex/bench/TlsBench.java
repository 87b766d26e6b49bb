package dev.vortex.bench;

import dev.vortex.ops.Credential;
import dev.vortex.testing.Certs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS with HTTP Basic auth: vortexd started with {@code tls.cert-file}/{@code key-file} and a
 * principals file, beside a bare JDK HttpsServer presenting the same certificate and answering the
 * same bytes (no auth), same run. (1) {@code GET /demo/prod} on keep-alive connections from a few
 * client threads; (2) handshakes: a new connection per request, its session invalidated after so
 * the next one is a full handshake, not a resumption.
 */
final class TlsBench {
    private static final int CLIENTS = 4;
    private static final long WARM_MS = 2_000;
    private static final long RUN_MS = 5_000;
    private static final String USER = "bench-client";
    private static final String PASSWORD = "bench-s3cret";

    private TlsBench() {
    }

    @FunctionalInterface
    private interface Request {
        void send() throws Exception;
    }

    private record Result(double rps, double p50, double p99) {
    }

    static void run(Table table) throws Exception {
        Path dir = Files.createTempDirectory("vortex-bench-tls");
        Certs.Issued ca = Certs.ca("vortex bench CA");
        Certs.Issued leaf = ca.issue("127.0.0.1", true);
        Path cert = leaf.writeCert(dir.resolve("server.crt"));
        Path key = leaf.writeKey(dir.resolve("server.key"));
        SSLContext trust = Certs.trusting(ca);
        // the default (slow) PBKDF2 hash, as an operator would store it; vortexd remembers verified credentials
        Path principals = Files.writeString(dir.resolve("principals.yml"), """
                principals:
                  - name: %s
                    password: "%s"
                    scopes: ["read:demo*"]
                """.formatted(USER, Credential.hashPassword(PASSWORD)));
        String auth = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (Daemon d = Daemon.start(List.of("-Xmx512m"), List.of("--tls.cert-file=" + cert, "--tls.key-file=" + key,
                "--auth.principals-file=" + principals), trust)) {
            HttpClient client = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1).build();
            URI ours = d.url("/demo/prod");
            int anonymous = client.send(HttpRequest.newBuilder(ours).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (anonymous != 401) {
                throw new IllegalStateException("vortexd answered " + anonymous + " without credentials, expected 401");
            }
            HttpResponse<byte[]> first = client.send(HttpRequest.newBuilder(ours).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (first.statusCode() != 200) {
                throw new IllegalStateException("vortexd answered " + first.statusCode() + " with credentials");
            }
            byte[] body = first.body();
            Path file = Files.write(dir.resolve("body.json"), body);
            int bport = Ports.free();
            Process bare = new ProcessBuilder(Daemon.java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    BareHttpsServer.class.getName(), Integer.toString(bport), file.toString(), cert.toString(), key.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Ports.awaitListening(bport, 30_000);
                URI floor = URI.create("https://127.0.0.1:" + bport + "/demo/prod");
                Request oursKeepAlive = () -> keepAlive(client, ours, auth, body.length);
                Request floorKeepAlive = () -> keepAlive(client, floor, auth, body.length);
                load(floorKeepAlive, WARM_MS);
                load(oursKeepAlive, WARM_MS); // warm both JITs before measuring
                Result b = load(floorKeepAlive, RUN_MS);
                Result o = load(oursKeepAlive, RUN_MS);
                String what = "GET /demo/prod, TLS + Basic auth, keep-alive (" + CLIENTS + " clients, " + body.length + " B)";
                table.add(what + " throughput; baseline bare JDK HttpsServer", o.rps, b.rps, "req/s");
                table.add(what + " p50", o.p50, b.p50, "ms");
                table.add(what + " p99", o.p99, b.p99, "ms");

                SSLSocketFactory sockets = trust.getSocketFactory();
                Request oursNew = () -> newConnection(sockets, d.httpPort, auth, body.length);
                Request floorNew = () -> newConnection(sockets, bport, auth, body.length);
                load(floorNew, WARM_MS);
                load(oursNew, WARM_MS);
                Result hb = load(floorNew, RUN_MS);
                Result ho = load(oursNew, RUN_MS);
                String hs = "full TLS handshakes (new connection + GET per request, " + CLIENTS + " clients)";
                table.add(hs + "; baseline bare JDK HttpsServer", ho.rps, hb.rps, "conn/s");
                table.add(hs + " p50", ho.p50, hb.p50, "ms");
                table.add(hs + " p99", ho.p99, hb.p99, "ms");
            } finally {
                bare.destroy();
                bare.waitFor();
            }
        }
    }

    private static void keepAlive(HttpClient client, URI uri, String auth, int length) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || r.body().length != length) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + " with " + r.body().length + " B");
        }
    }

    /** One request on a fresh TLS connection; invalidating the session keeps the next handshake a full one. */
    private static void newConnection(SSLSocketFactory sockets, int port, String auth, int length) throws IOException {
        try (SSLSocket s = (SSLSocket) sockets.createSocket("127.0.0.1", port)) {
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET /demo/prod HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + auth
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(s.getInputStream());
            int n = contentLength(head);
            if (!head.startsWith("HTTP/1.1 200") || n != length || s.getInputStream().readNBytes(n).length != n) {
                throw new IllegalStateException("port " + port + " answered " + head.lines().findFirst().orElse("") + ", " + n + " B");
            }
            s.getSession().invalidate();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the response head");
            }
            head.write(c);
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String head) {
        return head.lines().filter(l -> l.regionMatches(true, 0, "content-length:", 0, 15))
                .mapToInt(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(-1);
    }

    /** {@link #CLIENTS} threads sending back to back for {@code ms}; any failed request fails the bench. */
    private static Result load(Request request, long ms) throws Exception {
        long end = System.nanoTime() + ms * 1_000_000;
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int[] counts = new int[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            long[] mine = new long[1 << 20];
            latencies.add(mine);
            int id = i;
            threads.add(Thread.ofPlatform().start(() -> {
                int n = 0;
                try {
                    for (long t = System.nanoTime(); t < end && failure.get() == null && n < mine.length; ) {
                        request.send();
                        long now = System.nanoTime();
                        mine[n++] = now - t;
                        t = now;
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
                counts[id] = n;
            }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw failure.get();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        for (int i = 0, at = 0; i < CLIENTS; i++) {
            System.arraycopy(latencies.get(i), 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return new Result(total / seconds, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6);
    }
}
