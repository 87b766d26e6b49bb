package dev.vortex.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.Vortexd;
import dev.vortex.testing.Browser;
import dev.vortex.testing.MonoRepo;
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
 * The status page on a configuration monorepo of 600 applications (1,200 targets, over the default
 * {@code ws.max-subscriptions} of 1,000) under default limits: it loads, lists the repository and
 * shows a change live (its feed subscribes {@code *:*} changes-only).
 */
class MonoRepoStatusPageTest {
    @TempDir
    Path tmp;

    @Test
    void statusPage_overSixHundredApplications_loadsListsAndShowsAChangeLive() throws Exception {
        Browser.requireInstalled();
        MonoRepo mono = MonoRepo.generate(tmp.resolve("mono"), 600);
        HttpClient http = HttpClient.newHttpClient();
        Vortexd daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms", "--repo=" + mono.repo().url()), Map.of());
        try (Browser browser = Browser.launchIfInstalled().orElseThrow()) {
            URI base = URI.create("http://127.0.0.1:" + daemon.httpPort());
            await().atMost(Duration.ofSeconds(20)).until(() -> http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            browser.navigate(base + "/");
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("#ws-state").orElse("").contains("live"));
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("#feed-state").orElse("").contains("watching"));
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("[data-repo=mono] .badge").orElse("").contains("OK"));

            String next = mono.changeApp(7, 1);
            HttpResponse<String> refresh = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/refresh?wait=10s"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, refresh.statusCode(), refresh.body());

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> browser.text("#feed").orElse("").contains("app7:prod:main"));
            String change = browser.text("#feed li.change[data-key='app7:prod:main']").orElse("");
            assertTrue(change.contains("changedrevision: 0 → 1"), change);
            assertTrue(change.contains(next.substring(0, 8)), change);
            String feed = browser.text("#feed").orElse("");
            assertFalse(feed.contains("app8:"), "only the application whose file changed: " + feed);
            assertFalse(browser.text("#feed-state").orElse("").contains("TOO_MANY"), browser.text("#feed-state").orElse(""));
            assertEquals(List.of(), browser.errors());
        } finally {
            daemon.shutdown();
        }
    }
}
