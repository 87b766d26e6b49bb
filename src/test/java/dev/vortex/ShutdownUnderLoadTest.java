package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.ChildDaemon;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real daemon process holding 2,000 WebSocket sessions, under a steady stream of
 * HTTP requests, with a fetch hanging on its remote and a refresh request waiting for it: every
 * session gets close 1001, every request completes, state.json holds the last served commits, and
 * the process exits 0 within 30 s.
 */
class ShutdownUnderLoadTest {
    private static final int SESSIONS = 2_000;
    private static final List<String> PATHS = List.of("/shop/default", "/shop-prod.yml", "/api/v1/repos", "/metrics", "/ready");

    @TempDir
    Path tmp;
    private GitHttpServer server;
    private ChildDaemon daemon;
    private WsSwarm ws;

    /** One HTTP request of the load: when it started and ended ({@link System#nanoTime()}), its status or its failure. */
    private record Outcome(long start, long end, int status, String failure) {
    }

    @AfterEach
    void tearDown() {
        if (ws != null) {
            ws.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        server.close();
    }

    @Test
    void sigterm_with2000Sessions_httpLoad_andAFetchInFlight_closes1001_completesRequests_flushesState_exits0() throws Exception {
        TestRepo origin = TestRepo.init(tmp.resolve("cfg"));
        origin.write("application.yml", "greeting: hello\n").write("shop.yml", "server:\n  port: 8080\n")
                .write("shop-prod.yml", "server:\n  port: 443\n").commit("first");
        server = GitHttpServer.start(tmp.resolve("served"));
        String url = server.serve(origin, "cfg.git");
        TestRepo other = TestRepo.init(tmp.resolve("other"));
        other.write("application.yml", "other: 1\n").commit("first");
        Path data = tmp.resolve("data");
        daemon = ChildDaemon.start(data, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), List.of("--repo=" + url, "--repo=" + other.url(),
                "--sync.interval=1h", "--sync.debounce=0ms", "--sync.fetch-timeout=60s"));
        Http http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(30)).until(http::ready);

        ws = WsSwarm.open(daemon.wsPort(), false);
        List<WsSwarm.Conn> sessions = new ArrayList<>();
        for (String path : List.of("/ws/shop/default", "/ws/shop/prod", "/ws/application/default", "/ws/shop/prod,default")) {
            sessions.addAll(ws.connect(path, SESSIONS / 4));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sessions.stream().allMatch(c -> c.count("config_snapshot") == 1));

        AtomicBoolean loading = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        HttpClient loadClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int first = i;
            load.add(Thread.ofVirtual().start(() -> {
                for (int n = first; loading.get(); n++) {
                    long start = System.nanoTime();
                    HttpRequest req = HttpRequest.newBuilder(http.uri(PATHS.get(n % PATHS.size()))).timeout(Duration.ofSeconds(10)).build();
                    try {
                        HttpResponse<String> r = loadClient.send(req, HttpResponse.BodyHandlers.ofString());
                        outcomes.add(new Outcome(start, System.nanoTime(), r.statusCode(), null));
                    } catch (IOException e) {
                        outcomes.add(new Outcome(start, System.nanoTime(), 0, e.toString()));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }

        // a fetch hanging on its remote, and an admin request waiting for the next run of that repository
        server.mode(GitHttpServer.Mode.HANG);
        assertEquals(202, http.post("/api/v1/repos/cfg/refresh").statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() > 0);
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> http.post("/api/v1/repos/cfg/refresh?wait=60s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/metrics").body().contains("vortex_refresh_requests_total{source=\"api\"} 2"));
        // the last commit served before the signal
        String moved = other.write("application.yml", "other: 2\n").commit("second");
        assertEquals(moved, http.refresh("other").path("commits").path("main").asText());

        long term = System.nanoTime();
        daemon.terminate();
        int exit = daemon.awaitExit(Duration.ofSeconds(40));
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - term);
        loading.set(false);
        for (Thread t : load) {
            t.join(15_000);
        }

        assertEquals(0, exit, daemon.output());
        assertTrue(stopMs < 30_000, "stopped in " + stopMs + " ms");
        Map<Integer, Integer> codes = new TreeMap<>();
        sessions.forEach(c -> codes.merge(c.closeCode(), 1, Integer::sum));
        assertEquals(Map.of(1001, SESSIONS), codes, "close codes of the sessions");
        long firstClose = sessions.stream().mapToLong(WsSwarm.Conn::closedAtNanos).min().orElseThrow();

        HttpResponse<String> waited = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(200, waited.statusCode(), waited.body());
        assertTrue(Http.parse(waited.body()).path("error").isTextual(), waited.body());

        List<Outcome> all = List.copyOf(outcomes);
        List<Outcome> broken = all.stream().filter(o -> o.status >= 500 || (o.status == 0 && o.start < firstClose)).toList();
        assertEquals(List.of(), broken, "requests that failed while the daemon was still serving");
        long servedWhileStopping = all.stream().filter(o -> o.status == 200 && o.start > term && o.end < firstClose).count();
        assertTrue(servedWhileStopping > 0, "HTTP kept serving while the fetch was given its grace");

        JsonNode state = Http.parse(Files.readString(data.resolve("state.json")));
        assertEquals(moved, state.path("repos").path("other").path("main").asText(), state.toString());
        assertEquals(origin.head(), state.path("repos").path("cfg").path("main").asText(), state.toString());
        assertTrue(daemon.output().contains("msg=\"vortexd stopped\""), stopMs + " ms; " + daemon.output());
    }
}
