package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.RawWebSocket;
import dev.vortex.testing.TestRepo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One repository per application ({@code urls: [http://host/{application}-config.git]}) against a
 * real smart-HTTP git server: made on the first request, synced like a configured repository from
 * then on (webhooks by URL, status, metrics, state.json), and every refusal (400 before any git
 * access, 404 remembered, 503 past max-repos or while the first sync runs).
 */
class PerAppReposTest {
    @TempDir
    Path tmp;
    private GitHttpServer server;
    private TestRepo shop;
    private Vortexd daemon;
    private Http http;
    private final List<String> flags = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = GitHttpServer.start(tmp.resolve("served"));
        shop = TestRepo.init(tmp.resolve("shop"));
        shop.write("shop.yml", "greeting: hello shop\n").commit("first");
        server.serve(shop, "shop-config.git");
        TestRepo billing = TestRepo.init(tmp.resolve("billing"));
        billing.write("billing.yml", "greeting: hello billing\n").commit("first");
        server.serve(billing, "billing-config.git");
    }

    @AfterEach
    void tearDown() {
        server.close();
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private void launch(String templateUrl, String... repoKeys) throws Exception {
        StringBuilder yaml = new StringBuilder("repos:\n  - name: cfg\n    urls: [\"" + templateUrl + "\"]\n    default-label: main\n");
        for (String k : repoKeys) {
            yaml.append("    ").append(k).append('\n');
        }
        if (List.of(repoKeys).stream().noneMatch(k -> k.startsWith("first-sync-wait"))) {
            yaml.append("    first-sync-wait: 60s\n"); // a loaded test machine may take seconds for a first sync
        }
        Path file = Files.writeString(tmp.resolve("vortex.yml"), yaml.toString());
        List<String> args = new ArrayList<>(List.of("--config=" + file, "--data-dir=" + tmp.resolve("data"), "--http.port=0",
                "--ws.port=0", "--log.level=warn", "--sync.debounce=0ms"));
        args.addAll(flags);
        daemon = Vortexd.launch(args, Map.of());
        http = new Http(daemon.httpPort());
    }

    private String template() {
        return server.url("{application}-config.git");
    }

    private String greeting(HttpResponse<String> r) throws Exception {
        JsonNode env = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        return env.path("propertySources").get(0).path("source").path("greeting").asText();
    }

    @Test
    void firstRequest_makesTheRepository_whichThenSyncsLikeAnyOther() throws Exception {
        launch(template());
        HttpResponse<String> r = http.get("/shop/default");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hello shop", greeting(r));
        assertEquals(200, http.get("/billing/default").statusCode());
        assertTrue(Files.isDirectory(tmp.resolve("data/mirrors/cfg.shop.git")));

        JsonNode status = http.json("/api/v1/repos");
        List<String> names = new ArrayList<>();
        status.path("repos").forEach(x -> names.add(x.path("name").asText()));
        assertEquals(List.of("cfg.shop", "cfg.billing"), names);
        assertEquals(shop.head(), http.json("/api/v1/repos/cfg.shop").path("commits").path("main").asText());
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("vortex_template_repos{template=\"cfg\"} 2"), metrics);
        assertTrue(metrics.contains("vortex_sync_runs_total{repo=\"cfg.shop\",result=\"ok\"} 1"), metrics);

        // a push webhook naming one repository's URL syncs that one only
        shop.write("shop.yml", "greeting: hello again\n").commit("second");
        shop.push();
        String push = "{\"ref\":\"refs/heads/main\",\"after\":\"" + shop.head() + "\",\"repository\":{\"clone_url\":\""
                + server.url("shop-config.git") + "\"}}";
        HttpResponse<String> hook = http.send(HttpRequest.newBuilder(http.uri("/monitor")).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push").POST(HttpRequest.BodyPublishers.ofString(push)).build());
        assertEquals(202, hook.statusCode(), hook.body());
        assertEquals("{\"matched\":[\"cfg.shop\"]}", hook.body());
        await().atMost(Duration.ofSeconds(10)).until(() -> greeting(http.get("/shop/default")).equals("hello again"));
        assertEquals(1, http.json("/api/v1/repos/cfg.billing").path("runs").path("ok").asInt(), "billing was not synced again");
    }

    @Test
    void firstWebSocketSubscription_makesTheRepository_andIsServedWhenItsFirstSyncEnds() throws Exception {
        launch(template());
        try (RawWebSocket first = RawWebSocket.connect(daemon.wsPort(), "/ws/shop/default")) {
            String snapshot = first.nextText();
            assertTrue(snapshot.contains("config_snapshot") && snapshot.contains("hello shop") && snapshot.contains(shop.head()), snapshot);
        }
        assertEquals(404, http.get("/api/v1/repos/cfg.billing").statusCode(), "only the subscribed application's repository");
    }

    @Test
    void missingRepository_is404NamingTheApplication_andRemembered_soTheHostIsAskedOnce() throws Exception {
        launch(template(), "negative-cache: 1h");
        HttpResponse<String> first = http.get("/ghost/default");
        assertEquals(404, first.statusCode(), first.body());
        assertTrue(first.body().contains("application 'ghost' has no repository"), first.body());
        int asked = server.requests();
        assertTrue(asked >= 1);
        for (int i = 0; i < 20; i++) {
            assertEquals(404, http.get("/ghost/default").statusCode());
        }
        assertEquals(asked, server.requests(), "the git host is not asked again while the miss is remembered");
        assertFalse(Files.exists(tmp.resolve("data/mirrors/cfg.ghost.git")), "its empty mirror is deleted");
        assertTrue(http.get("/metrics").body().contains("vortex_template_refused_total{template=\"cfg\",reason=\"missing\"} 21"));
        assertEquals(200, http.get("/shop/default").statusCode());
    }

    @Test
    void fileUrls_serveAnApplicationsRepository_andMissOneThatIsNotThere() throws Exception {
        launch(tmp.resolve("served").toUri() + "{application}-config.git");
        HttpResponse<String> r = http.get("/shop/default");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hello shop", greeting(r));
        HttpResponse<String> ghost = http.get("/ghost/default");
        assertEquals(404, ghost.statusCode(), ghost.body());
        assertTrue(ghost.body().contains("application 'ghost' has no repository"), ghost.body());
    }

    @Test
    void pastMaxRepos_is503_andWarned() throws Exception {
        launch(template(), "max-repos: 1");
        assertEquals(200, http.get("/shop/default").statusCode());
        HttpResponse<String> r = http.get("/billing/default");
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("max-repos (1)"), r.body());
        assertEquals(200, http.get("/shop/default").statusCode(), "the ones made go on serving");
    }

    @Test
    void slowFirstSync_is503WithRetryAfter_atTheBound() throws Exception {
        GitHttpServer slow = GitHttpServer.start(tmp.resolve("slow"));
        try {
            slow.mode(GitHttpServer.Mode.HANG);
            flags.add("--sync.fetch-timeout=1s");
            launch(slow.url("{application}-config.git"), "first-sync-wait: 300ms");
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.get("/shop/default");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
            assertTrue(ms >= 250, "answered at the bound, not before: " + ms + " ms");
            assertTrue(r.body().contains("being fetched for the first time"), r.body());
        } finally {
            slow.close();
        }
    }

    @Test
    void namesThatWouldChangeTheHostOrLeaveThePath_are400_beforeAnyGitAccess() throws Exception {
        launch(template());
        for (String name : List.of("a%40evil.example.com", "evil.example.com%3A22", "a%2525", "a%20b", "a%09b", "-upload", "..",
                "a..b", ".git", "a%2F..%2Fb", "x%2Fy")) {
            HttpResponse<String> r = http.get("/" + name + "/default");
            assertEquals(400, r.statusCode(), name + ": " + r.body());
        }
        assertEquals(0, server.requests(), "no git access");
        try (var mirrors = Files.list(tmp.resolve("data/mirrors"))) {
            assertEquals(List.of(), mirrors.toList());
        }
    }

    @Test
    void restart_keepsTheMadeRepositories_servingFromStateJsonWithTheHostDown() throws Exception {
        launch(template());
        assertEquals(200, http.get("/shop/default").statusCode());
        daemon.shutdown();
        daemon = null;
        server.mode(GitHttpServer.Mode.FAIL);
        launch(template(), "first-sync-wait: 0ms");
        HttpResponse<String> r = http.get("/shop/default");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hello shop", greeting(r));
        assertEquals("cfg.shop", http.json("/api/v1/repos").path("repos").get(0).path("name").asText());
    }

    @Test
    void reload_keepsTheMadeRepositories_whileTheTemplateStays_andDropsThemWithIt() throws Exception {
        launch(template());
        assertEquals(200, http.get("/shop/default").statusCode());
        Files.writeString(tmp.resolve("vortex.yml"), "repos:\n  - name: cfg\n    urls: [\"" + template() + "\"]\n    default-label: main\n"
                + "    max-repos: 5\n");
        daemon.reload();
        assertEquals("cfg.shop", http.json("/api/v1/repos").path("repos").get(0).path("name").asText());
        assertEquals("hello shop", greeting(http.get("/shop/default")));
        Files.writeString(tmp.resolve("vortex.yml"), "repos:\n  - name: plain\n    urls: [\"" + server.url("billing-config.git") + "\"]\n");
        daemon.reload();
        assertEquals(404, http.get("/api/v1/repos/cfg.shop").statusCode());
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/billing/default").statusCode() == 200);
        assertEquals("hello billing", greeting(http.get("/billing/default")));
    }

    @Test
    void placeholderInTheHost_exits78_namingTheUrl() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(78, Vortexd.start(new String[] {"--data-dir=" + tmp.resolve("data"), "--repo=https://{application}.example.com/cfg.git",
                "--repo=https://git.example.com/{tenant}/{application}.git"}));
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\"https://{application}.example.com/cfg.git\": {application} is in the scheme, user or host part"), text);
        assertTrue(text.contains("placeholder {tenant} is not supported in a URL"), text);
    }
}
