package dev.vortex.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.Vortexd;
import dev.vortex.testing.Browser;
import dev.vortex.testing.SharedBrowser;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The status page in a real browser against the whole daemon: a git repository, the sync engine, the WebSocket server. */
class StatusPageBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SharedBrowser SHARED = new SharedBrowser();
    private Browser browser;

    @TempDir
    Path tmp;
    private TestRepo repo;
    private String first;
    private Vortexd daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        browser = SHARED.get();
        repo = TestRepo.init(tmp.resolve("cfg"));
        repo.write("application.yml", "greeting: hello\n").write("shop.yml", "server:\n  port: 8080\nlegacy: old\n");
        first = repo.commit("initial");
        daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms", "--repo=" + repo.url()), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/ready").statusCode() == 200);
        browser.viewport(1280, 900, false);
        browser.clearErrors();
        browser.navigate("http://127.0.0.1:" + daemon.httpPort() + "/");
        awaitText("#ws-state", "live", Duration.ofSeconds(10));
        awaitText("#feed-state", "watching", Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.navigate("about:blank");
        }
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String text(String selector) {
        return browser.text(selector).orElse("");
    }

    private void awaitText(String selector, String expected, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> text(selector).contains(expected));
    }

    private String servedCommit() {
        return browser.eval("(() => { const c = document.querySelector('[data-repo=cfg] tr[data-label=main] code'); "
                + "return c ? c.title : ''; })()").asText();
    }

    @Test
    void page_listsTheRepositoryWithItsServedCommit_andHasNoConsoleErrors() {
        awaitText("[data-repo=cfg] .badge", "OK", Duration.ofSeconds(10));
        assertEquals(first, servedCommit());
        assertEquals(first.substring(0, 8), text("[data-repo=cfg] tr[data-label=main] code"));
        String card = text("[data-repo=cfg]");
        assertTrue(card.contains("Last refresh"), card);
        assertTrue(card.contains("Last errornone"), card);
        assertTrue(card.contains("OK" + repo.url()), card);
        awaitText("#sessions", "1", Duration.ofSeconds(10));
        assertTrue(text("#feed-state").contains("*:*"), text("#feed-state"));
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void commitAndWebhook_showNewCommitAndChangeWithin2s_withoutReload() throws Exception {
        awaitText("[data-repo=cfg] .badge", "OK", Duration.ofSeconds(10));
        browser.eval("window.notReloaded = true");
        repo.write("shop.yml", "server:\n  port: 9090\nfeature:\n  fast: true\n");
        String next = repo.commit("shop: port 9090, fast feature, no legacy");

        String body = JSON.writeValueAsString(Map.of("ref", "refs/heads/main", "after", next,
                "repository", Map.of("name", "cfg", "full_name", "acme/cfg", "clone_url", repo.url())));
        HttpResponse<String> hook = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + "/monitor"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, hook.statusCode(), hook.body());

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> next.equals(servedCommit()) && text("#feed").contains("shop:default:main"));
        String change = text("#feed li.change[data-key='shop:default:main']");
        assertTrue(change.contains(first.substring(0, 8) + "→" + next.substring(0, 8)), change);
        assertTrue(change.contains("changedserver.port: 8080 → 9090"), change);
        assertTrue(change.contains("addedfeature.fast: true"), change);
        assertTrue(change.contains("removedlegacy (was old)"), change);
        assertTrue(browser.eval("window.notReloaded === true").asBoolean(), "the page was reloaded");
        awaitText("[data-repo=cfg]", "by webhook", Duration.ofSeconds(5));
        browser.screenshot(Path.of("target/status-page.png"));
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void explorer_showsEffectiveKeysWithFileAndLine_andSearches() {
        awaitText("[data-repo=cfg] .badge", "OK", Duration.ofSeconds(10));
        browser.type("#explore-app", "shop");
        browser.type("#explore-profile", "default");
        browser.click("#explore-form button[type=submit]");
        awaitText("#explore-state", "3 keys.", Duration.ofSeconds(10));
        assertTrue(text("#explore-state").contains("shop/default at main (" + first.substring(0, 8) + ")"), text("#explore-state"));
        assertEquals("server.port8080shop.yml:2", text("#explore-rows tr[data-key='server.port']"));
        assertEquals("greetinghelloapplication.yml:1", text("#explore-rows tr[data-key='greeting']"));
        browser.type("#explore-search", "applic");
        awaitText("#explore-count", "1 of 3 keys shown.", Duration.ofSeconds(5));
        assertEquals("", text("#explore-rows tr[data-key='server.port']"));
        browser.type("#explore-label", "nope");
        browser.click("#explore-form button[type=submit]");
        awaitText("#explore-state", "HTTP 404", Duration.ofSeconds(10));
        assertTrue(text("#explore-state").contains("label 'nope' not found"), text("#explore-state"));
        assertEquals("", text("#explore-rows"));
        // the browser logs the 404 it was asked to show; nothing else
        assertEquals(List.of(), browser.errors().stream().filter(e -> !e.contains("404 (Not Found)")).toList());
    }

    @Test
    void refreshButton_servesTheNewCommit_andTheDiffViewComparesIt() {
        awaitText("[data-repo=cfg] .badge", "OK", Duration.ofSeconds(10));
        repo.write("shop.yml", "server:\n  port: 9191\nlegacy: old\n");
        String next = repo.commit("shop: port 9191");

        browser.click("[data-repo=cfg] .refresh");
        awaitText("[data-repo=cfg] .refresh-result", "new commits served.", Duration.ofSeconds(30));
        assertTrue(text("[data-repo=cfg] .refresh-result").startsWith("Refreshed in "), text("[data-repo=cfg] .refresh-result"));
        await().atMost(Duration.ofSeconds(2)).until(() -> next.equals(servedCommit()));
        awaitText("[data-repo=cfg]", "by api", Duration.ofSeconds(5));

        browser.click("[data-repo=cfg] details.diff summary");
        browser.type("[data-repo=cfg] .diff-from", first);
        browser.type("[data-repo=cfg] .diff-app", "shop");
        browser.type("[data-repo=cfg] .diff-profile", "default");
        browser.click("[data-repo=cfg] .diff-form button[type=submit]");
        awaitText("[data-repo=cfg] .diff-result", "1 change.", Duration.ofSeconds(10));
        String diff = text("[data-repo=cfg] .diff-result");
        assertTrue(diff.contains("shop/default from " + first.substring(0, 8) + " to " + next.substring(0, 8)), diff);
        assertTrue(diff.contains("changedserver.port: 9191"), diff);
        assertEquals(List.of(), browser.errors());
    }
}
