package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.RawHttp;
import dev.vortex.testing.RawHttp.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 random request paths against the live daemon over a small pool of keep-alive
 * connections: never a 500, and never a byte of a file outside the commit (canaries planted
 * beside the repository, in its work tree and {@code .git}, in the data directory and the
 * mirror). Paths come from a {@link SplittableRandom} with a fixed seed, printed with every
 * failure; {@code -Dvortex.fuzz.seed=N} replays another. (jqwik would shrink failing paths, but
 * it is not one of the project's dependencies, and a seeded loop against one live daemon needs
 * nothing more.)
 */
class PathFuzzTest {
    private static final long SEED = Long.getLong("vortex.fuzz.seed", 0x7057_F022L);
    private static final int PATHS = 10_000;
    private static final int CONNECTIONS = 4;
    private static final Set<Integer> ALLOWED = Set.of(200, 400, 404, 405, 414);

    private static final List<String> SEPARATORS = List.of("/", "//", "%2F", "%2f", "%5C", "%5c", "(_)", "%28_%29");
    private static final List<String> DOTS = List.of(".", "..", "...", "%2e", "%2E", "%2e%2e", ".%2e", "%2e.", "%252e",
            "%252e%252e", "%25252e", "%c0%ae", "%C0%AE%C0%AE", "%e0%80%ae", "..;", "..%00");
    private static final List<String> ESCAPES = List.of("%00", "%0a", "%0d", "%0D%0A", "%09", "%1b", "%7f", "%20", "%25",
            "%ff", "%fe%ff", "+", "%2B", "%3F", "%23", ";", ";x=1", ":", "@", "~", "*", ",", "-", "--", "=", "&", "$", "'",
            "!", "%5B%5D", "%7B%7D", "%22", "%3C%3E");
    /** Mostly percent-encoded: raw UTF-8 reaches the JDK as Latin-1, where bytes 0x80-0x9f are control characters it refuses. */
    private static final List<String> UNICODE = List.of("ä", "%C3%A4", "%E6%97%A5%E6%9C%AC", "%E2%80%AE", "%F0%9F%98%80",
            "%EF%BF%BD", "%EF%BB%BF", "%C7%85", "%EF%AC%81", "%C4%B0", "%C0%AF", "%E2%88%95", "%EF%BC%8E%EF%BC%8E");
    /** Raw characters a URI may not hold, control characters and broken escapes: the JDK answers 400 before the router. */
    private static final List<String> ILLEGAL = List.of("\u0000", "\u0001", "\t", "\u000b", "\u001f", "\u007f", " ",
            "\\", "{", "}", "|", "`", "\"", "<", ">", "[", "]", "^", "%", "%G1", "%u002e", "%2%65", "?", "#");
    private static final List<String> NAMES = Stream.concat(Stream.of("demo", "prod", "dev", "default", "main", "v1",
            "application", "other-app", "inventory", "eu", "prod,eu", "docs", "notice.txt", "docs(_)notice.txt",
            "demo-prod.yml", "demo-prod.properties", "demo-prod.json", "main(_)docs", "api", "v1", "repos", "repo",
            "refresh", "diff", "monitor", "health", "ready", "metrics", "ws", "static", "app.js", "info", ".git", "config", "HEAD", "objects", "refs",
            "heads", "packed-refs", "mirrors", "data", "repo.git", "state.json", "..%2Fcanary.txt",
            "%2e%2e%2f%2e%2e%2fcanary.txt", "..%5C..%5Ccanary.yml", "(_)..(_)..(_)canary.yml", "-main", "--upload-pack=x",
            "HEAD~1", "main@%7B1%7D", "main:canary.txt", "a".repeat(300)), LiveDaemon.CANARY_FILES.stream()).toList();
    private static final List<String> QUERIES = List.of("", "", "", "?useDefaultLabel", "?resolvePlaceholders=false",
            "?resolvePlaceholders=maybe", "?useDefaultLabel&resolvePlaceholders=0", "?%2e%2e=%2F", "?from=main&to=v1", "?wait=1ms",
            "?token=x", "?=&&=");

    @TempDir
    Path tmp;

    @Test
    void tenThousandRandomPaths_neverAnswer500_neverLeakAFileOutsideTheCommit() throws Exception {
        System.out.println("PathFuzzTest seed " + SEED + " (-Dvortex.fuzz.seed=" + SEED + " replays it)");
        long start = System.nanoTime();
        Map<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (LiveDaemon live = LiveDaemon.springDemo(tmp)) {
            SplittableRandom root = new SplittableRandom(SEED);
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < CONNECTIONS; w++) {
                SplittableRandom random = root.split(); // one stream per worker: the same paths whatever the timing
                int worker = w;
                workers.add(pool.submit(() -> run(live, worker, random, byStatus, failures)));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            pool.shutdown();
            assertEquals(0, live.metricSum("vortex_http_requests_total", "code=\"500\""), "seed " + SEED);
            assertEquals(200, live.get("/demo/prod").statusCode());
        }
        System.out.println("PathFuzzTest: " + PATHS + " paths in " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms, by status " + new TreeMap<>(byStatus));
        assertTrue(failures.isEmpty(), () -> "seed " + SEED + ", " + failures.size() + " failures:\n"
                + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        assertTrue(byStatus.containsKey("200") && byStatus.containsKey("400") && byStatus.containsKey("404"),
                () -> "the generator should reach served, refused and unknown paths: " + byStatus);
    }

    private static void run(LiveDaemon live, int worker, SplittableRandom random, Map<String, AtomicInteger> byStatus, List<String> failures) {
        RawHttp c = RawHttp.open(live.httpPort());
        try {
            for (int i = 0; i < PATHS / CONNECTIONS; i++) {
                String target = path(random);
                Response r = c.get(target);
                if (r.status() == -1 || "close".equalsIgnoreCase(r.headers().get("connection"))) {
                    c.close();
                    c = RawHttp.open(live.httpPort());
                }
                // the JDK's own 400s (a request line its URI parser refuses) are text/html, never reach the router
                String kind = r.status() + (r.status() >= 400 && r.headers().getOrDefault("content-type", "").startsWith("text/html") ? " jdk" : "");
                byStatus.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                if (!ALLOWED.contains(r.status()) || r.text().contains(LiveDaemon.CANARY)) {
                    failures.add("worker " + worker + " #" + i + " " + escape(target) + " → " + r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                c.close();
            } catch (IOException e) {
                // closing a socket we are done with
            }
        }
    }

    /** A path of 1 to 6 segments, each 1 to 4 tokens drawn from the alphabets, and sometimes a query. */
    static String path(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        int segments = 1 + random.nextInt(6);
        for (int s = 0; s < segments; s++) {
            sb.append('/');
            int tokens = 1 + random.nextInt(random.nextInt(4) + 1);
            for (int t = 0; t < tokens; t++) {
                sb.append(token(random));
            }
        }
        sb.append(QUERIES.get(random.nextInt(QUERIES.size())));
        return sb.toString();
    }

    private static String token(SplittableRandom random) {
        int kind = random.nextInt(100);
        List<String> from = kind < 46 ? NAMES : kind < 63 ? DOTS : kind < 76 ? SEPARATORS : kind < 90 ? ESCAPES : kind < 97 ? UNICODE : ILLEGAL;
        return from.get(random.nextInt(from.size()));
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp == 0x7f ? String.format("\\x%02x", cp) : Character.toString(cp)));
        return sb.toString();
    }
}
