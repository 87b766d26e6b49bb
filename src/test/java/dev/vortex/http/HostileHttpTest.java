package dev.vortex.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.RawHttp;
import dev.vortex.testing.RawHttp.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests against the whole daemon serving the Spring demo repository, sent as raw bytes
 * (java.net.http would normalise or refuse most of them). Each gets a 4xx or a closed connection,
 * never a 500, never a byte of a file outside the commit, and the daemon answers the next
 * ordinary request.
 */
class HostileHttpTest {
    private static final Set<Integer> BAD = Set.of(400);
    private static final Set<Integer> NOT_FOUND = Set.of(404);
    private static final Set<Integer> LITERAL = Set.of(200, 404); // an odd but harmless name, taken literally

    @TempDir
    static Path tmp;
    private static LiveDaemon live;

    @BeforeAll
    static void start() {
        live = LiveDaemon.springDemo(tmp);
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            assertEquals(0, live.metricSum("vortex_http_requests_total", "code=\"500\""), "no request answered 500");
            live.close();
        }
    }

    @AfterEach
    void daemonStillServes() {
        assertEquals(200, live.get("/demo/prod").statusCode());
    }

    static Stream<Arguments> traversals() {
        return Stream.of(
                // application
                Arguments.of("/../prod", BAD),
                Arguments.of("/%2e%2e/prod", BAD),
                Arguments.of("/..%2F..%2Fcanary/prod", BAD),
                Arguments.of("/..%5C..%5Ccanary/prod", BAD),
                Arguments.of("/%252e%252e/prod", LITERAL),
                Arguments.of("/-demo/prod", BAD),
                Arguments.of("/--upload-pack=touch%20x/prod", BAD),
                // profile
                Arguments.of("/demo/..", BAD),
                Arguments.of("/demo/%2E%2E", BAD),
                Arguments.of("/demo/..%2F..%2Fcanary", BAD),
                Arguments.of("/demo/prod,..", BAD),
                Arguments.of("/demo/prod,-x", BAD),
                Arguments.of("/demo/prod%5C..", BAD),
                Arguments.of("/demo/-prod", BAD),
                // label
                Arguments.of("/demo/prod/..", BAD),
                Arguments.of("/demo/prod/%2e%2e", BAD),
                Arguments.of("/demo/prod/..%2F..%2Fcanary", BAD),
                Arguments.of("/demo/prod/(_)..(_)canary", BAD),
                Arguments.of("/demo/prod/main(_)..(_)..", BAD),
                Arguments.of("/demo/prod/%2e%2e(_)%2e%2e", BAD),
                Arguments.of("/demo/prod/..%5Cmain", BAD),
                Arguments.of("/demo/prod/-main", BAD),
                Arguments.of("/demo/prod/--upload-pack=touch%20x", BAD),
                Arguments.of("/demo/prod/%252e%252e", NOT_FOUND),
                Arguments.of("/demo/prod/HEAD~1", NOT_FOUND),
                Arguments.of("/demo/prod/main@%7B1%7D", NOT_FOUND),
                Arguments.of("/demo/prod/main:canary.txt", NOT_FOUND),
                // plain-file path
                Arguments.of("/demo/prod/main/../../canary.txt", BAD),
                Arguments.of("/demo/prod/main/%2e%2e/%2e%2e/canary.txt", BAD),
                Arguments.of("/demo/prod/main/..%2F..%2Fcanary.txt", BAD),
                Arguments.of("/demo/prod/main/docs/..%5C..%5Ccanary.txt", BAD),
                Arguments.of("/demo/prod/main/docs/./notice.txt", BAD),
                Arguments.of("/demo/prod/main/-notice.txt", BAD),
                Arguments.of("/demo/prod/main/%252e%252e/canary.txt", NOT_FOUND),
                Arguments.of("/demo/prod/main/canary.txt", NOT_FOUND),
                Arguments.of("/demo/prod/main/.git/config", NOT_FOUND),
                Arguments.of("/demo/prod/main/%2Egit/canary.txt", NOT_FOUND),
                Arguments.of("/demo/prod/docs/../../canary.txt?useDefaultLabel", BAD),
                Arguments.of("/demo/prod/%2e%2e/canary.txt?useDefaultLabel", BAD),
                // /{label}/{app}-{profiles}.yml and /{app}-{profiles}.yml
                Arguments.of("/%2e%2e/demo-prod.yml", BAD),
                Arguments.of("/..%2F..%2Fmain/demo-prod.yml", BAD),
                Arguments.of("/(_)..(_)/demo-prod.yml", BAD),
                Arguments.of("/main%5C../demo-prod.yml", BAD),
                Arguments.of("/-main/demo-prod.yml", BAD),
                Arguments.of("/main/..%2F..%2Fcanary-prod.yml", BAD),
                Arguments.of("/main/..-prod.yml", BAD),
                Arguments.of("/main/demo-%2e%2e.yml", BAD),
                Arguments.of("/main/-demo-prod.yml", BAD),
                Arguments.of("/main/demo-prod,..properties", BAD),
                Arguments.of("/..%5Cdemo-prod.yml", BAD),
                Arguments.of("/canary-prod.yml", LITERAL),
                Arguments.of("/application-canary.yml", LITERAL),
                // the status page serves a fixed set of files
                Arguments.of("/static/..%2F..%2Fcanary.txt", NOT_FOUND),
                Arguments.of("/static/%2e%2e", NOT_FOUND),
                Arguments.of("/static/../canary.txt", BAD),
                Arguments.of("/static/app.js%00.txt", NOT_FOUND),
                // the admin API takes its names literally
                Arguments.of("/api/v1/repos/..%2F..", NOT_FOUND),
                Arguments.of("/api/v1/repos/%2e%2e/diff?from=main&to=main", NOT_FOUND),
                Arguments.of("/api/v1/repos/..", NOT_FOUND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traversals")
    void traversalInAnyPart_isRefusedOrLiteral_neverLeaks(String target, Set<Integer> expected) throws IOException {
        Response r = request(target);
        assertTrue(expected.contains(r.status()), () -> target + " → " + r);
        assertFalse(r.text().contains(LiveDaemon.CANARY), () -> target + " leaked a file outside the commit: " + r);
        if (r.status() >= 400) {
            assertTrue(r.headers().get("content-type").startsWith("application/json"), () -> target + " → " + r.headers());
        }
    }

    static Stream<Arguments> controlCharacters() {
        return Stream.of(
                Arguments.of("/demo%00/prod", BAD),
                Arguments.of("/demo/pr%00od", BAD),
                Arguments.of("/demo/prod/ma%00in", BAD),
                Arguments.of("/demo/prod/main/docs/notice.txt%00.yml", BAD),
                Arguments.of("/demo/prod/ma%0D%0Ain", BAD),
                Arguments.of("/demo/prod/ma%1Bin", BAD),
                Arguments.of("/demo/prod/ma%7Fin", BAD),
                Arguments.of("/main%09/demo-prod.yml", BAD),
                Arguments.of("/demo-prod.yml%00", NOT_FOUND),
                // raw bytes the URI parser refuses: the JDK answers 400 before the router sees them
                Arguments.of("/demo/prod/ma\u0000in", BAD),
                Arguments.of("/demo/prod/ma\u0001in", BAD),
                Arguments.of("/demo/prod/ma\\..\\in", BAD),
                Arguments.of("/demo/prod/%ZZ", BAD),
                Arguments.of("/demo/prod/%", BAD),
                Arguments.of("/demo/prod?resolvePlaceholders=%ZZ", BAD),
                // undecodable UTF-8 becomes U+FFFD, a name nothing has
                Arguments.of("/demo/prod/%C0%AE%C0%AE", NOT_FOUND),
                Arguments.of("/demo/prod/main/%C0%AE%C0%AE/canary.txt", NOT_FOUND),
                Arguments.of("/demo/prod/%E2%80%AEniam", NOT_FOUND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCharacters")
    void nulControlAndMalformedEncoding_are400or404(String target, Set<Integer> expected) throws IOException {
        Response r = request(target);
        assertTrue(expected.contains(r.status()), () -> printable(target) + " → " + r);
    }

    @Test
    void labelOf10KiB_is414_labelOf300Characters_is400() throws IOException {
        Response huge = request("/demo/prod/" + "a".repeat(10 * 1024));
        assertEquals(414, huge.status(), huge::toString);
        assertTrue(huge.text().contains("\"status\":414"), huge::toString);
        Response longLabel = request("/demo/prod/" + "a".repeat(300));
        assertEquals(400, longLabel.status(), longLabel::toString);
        Response longFile = request("/demo/prod/main/" + "d/".repeat(200) + "x.txt");
        assertEquals(400, longFile.status(), longFile::toString);
    }

    @Test
    void headersOver64KiB_orOver100Headers_closeTheConnection_smallerOnesAreServed() throws IOException {
        assertEquals(Response.CLOSED, requestWithHeaders("X-Big: " + "a".repeat(70 * 1024) + "\r\n"));
        String many = IntStream.range(0, 150).mapToObj(i -> "X-H" + i + ": v\r\n").collect(Collectors.joining());
        assertEquals(Response.CLOSED, requestWithHeaders(many));

        assertEquals(200, requestWithHeaders("X-Big: " + "a".repeat(32 * 1024) + "\r\n").status());
        String fine = IntStream.range(0, 90).mapToObj(i -> "X-H" + i + ": v\r\n").collect(Collectors.joining());
        assertEquals(200, requestWithHeaders(fine).status());
        assertEquals(400, requestWithHeaders("X-Bad\u0000Name: v\r\n").status());
    }

    @Test
    void malformedRequests_are400_absoluteFormIsTheSamePath() throws IOException {
        try (RawHttp c = RawHttp.open(live.httpPort())) {
            assertEquals(400, c.send("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).status());
        }
        try (RawHttp c = RawHttp.open(live.httpPort())) {
            Response r = c.send(("GET /demo/prod HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(400, r.status(), "request smuggling shape: both lengths");
        }
        try (RawHttp c = RawHttp.open(live.httpPort())) {
            Response r = c.get("http://evil.example/demo/prod/main/..%2F..%2Fcanary.txt");
            assertEquals(400, r.status(), r::toString);
        }
    }

    /**
     * Slowloris: request heads and bodies trickled a byte at a time. The JDK server drops a request
     * not read within maxReqTime (10 s) — it closes the connection rather than answering 408 —
     * while everyone else is served as usual.
     */
    @Test
    void slowloris_headersOrBodyTrickled_closedWithin12s_othersServedMeanwhile() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        List<RawHttp> slow = new ArrayList<>();
        List<ScheduledFuture<?>> drips = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                RawHttp c = RawHttp.open(live.httpPort(), Duration.ofSeconds(20));
                slow.add(c);
                boolean body = i % 2 == 1;
                byte[] head = body
                        ? "POST /monitor HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII)
                        : "GET /demo/prod HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
                c.write(head);
                drips.add(ticker.scheduleAtFixedRate(() -> {
                    try {
                        c.write(body ? new byte[] {' '} : "X-a: b\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        throw new IllegalStateException("closed", e); // ends this drip
                    }
                }, 200, 500, TimeUnit.MILLISECONDS));
            }
            // while they trickle, ordinary requests are answered at once
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                assertEquals(200, live.get("/demo/prod").statusCode());
                assertTrue(System.nanoTime() - t < Duration.ofSeconds(2).toNanos(), "an ordinary request waited");
            }
            List<CompletableFuture<Long>> closed = slow.stream().map(c -> CompletableFuture.supplyAsync(
                    () -> c.closedByServer() ? System.nanoTime() - start : Long.MAX_VALUE)).toList();
            for (CompletableFuture<Long> f : closed) {
                long nanos = f.get(30, TimeUnit.SECONDS);
                // maxReqTime is 10 s and the JDK checks it once a second: closed after 10 to 11 s
                assertTrue(nanos < Duration.ofMillis(12_500).toNanos(), "closed after " + nanos / 1_000_000 + " ms");
                assertTrue(nanos > Duration.ofSeconds(5).toNanos(), "closed early, after " + nanos / 1_000_000 + " ms");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> drips.stream().allMatch(ScheduledFuture::isDone));
        } finally {
            ticker.shutdownNow();
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }

    /** 1,000 connections held open with half a request each; others are served, then all 1,000 get their answer. */
    @Test
    void thousandConcurrentConnections_heldOpen_allAnswered_othersUnaffected() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                RawHttp c = RawHttp.open(live.httpPort(), Duration.ofSeconds(30));
                held.add(c);
                c.write("GET /demo/prod HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            long t = System.nanoTime();
            assertEquals(200, live.get("/demo/prod").statusCode());
            assertEquals(200, live.get("/health").statusCode());
            assertTrue(System.nanoTime() - t < Duration.ofSeconds(2).toNanos(), "served while 1,000 connections wait");
            for (RawHttp c : held) {
                c.write("Host: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            int ok = 0;
            for (RawHttp c : held) {
                if (c.read().status() == 200) {
                    ok++;
                }
            }
            assertEquals(1000, ok);
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }

    private static Response request(String target) throws IOException {
        try (RawHttp c = RawHttp.open(live.httpPort())) {
            return c.get(target);
        }
    }

    private static Response requestWithHeaders(String headers) throws IOException {
        try (RawHttp c = RawHttp.open(live.httpPort())) {
            return c.get("/demo/prod", headers);
        }
    }

    private static String printable(String s) {
        return s.chars().mapToObj(ch -> ch < 0x20 ? String.format("\\u%04x", ch) : String.valueOf((char) ch)).collect(Collectors.joining());
    }
}
