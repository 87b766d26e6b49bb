package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.MonoRepo;
import dev.vortex.testing.RawWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration monorepo on the whole daemon: a restart serves the restored commit without
 * parsing a file, and a commit changing one application's file renders that application only.
 */
class MonoRepoDaemonTest {
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    private Vortexd launch(MonoRepo mono) throws Exception {
        Vortexd d = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms", "--repo=" + mono.repo().url()), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> get(d, "/ready").statusCode() == 200);
        return d;
    }

    private HttpResponse<String> get(Vortexd d, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long cache(Vortexd d, String cache, String result) throws Exception {
        String line = "vortex_cache_requests_total{cache=\"" + cache + "\",result=\"" + result + "\"} ";
        return get(d, "/metrics").body().lines().filter(l -> l.startsWith(line))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(line.length()))).findFirst().orElseThrow();
    }

    @Test
    void restart_servesTheRestoredCommitWithoutParsing_andAChangeRendersOnlyItsApplication() throws Exception {
        MonoRepo mono = MonoRepo.generate(tmp.resolve("mono"), 100);
        launch(mono).shutdown(); // clones, checks the commit once, writes state.json with what the check found

        Vortexd d = launch(mono);
        try {
            // the first sync after the restart fetched nothing new: still nothing parsed or rendered
            await().atMost(Duration.ofSeconds(10)).until(() -> get(d, "/api/v1/repos/mono").body().contains("\"result\":\"ok\""));
            assertEquals(0, cache(d, "parsed", "miss"), "no file parsed to serve the restored commit");
            assertEquals(0, cache(d, "environments", "miss"));
            assertEquals(200, get(d, "/app5/prod").statusCode());
            assertEquals(3, cache(d, "parsed", "miss"), "application.yml, app5.yml, app5-prod.yml: on demand");

            try (RawWebSocket ws = RawWebSocket.connect(d.wsPort(), "/ws")) {
                ws.sendText("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"],\"snapshots\":false}");
                assertTrue(ws.nextText().contains("\"subscribed\""));
                long rendered = cache(d, "environments", "miss");

                mono.changeApp(7, 1);
                HttpResponse<String> refresh = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + d.httpPort() + "/api/v1/repos/mono/refresh?wait=10s"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, refresh.statusCode(), refresh.body());

                String change = ws.nextText();
                assertTrue(change.contains("\"config_change\"") && change.contains("\"app\":\"app7\"")
                        && change.contains("\"profile\":\"prod\""), change);
                // app7 with its two profiles, at the old and the new commit: none of the other 99 applications
                assertTrue(cache(d, "environments", "miss") - rendered <= 4, "rendered " + (cache(d, "environments", "miss") - rendered));
            }
        } finally {
            d.shutdown();
        }
    }
}
