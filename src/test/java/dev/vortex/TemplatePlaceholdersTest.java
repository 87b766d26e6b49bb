package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code {profile}} and {@code {label}} in a template's URL, as Spring Cloud Config resolves them,
 * against a real smart-HTTP git server: a repository per resolved URL, the last profile first (the
 * first whose repository exists serves), a label-less request at the default label ({@code main},
 * then {@code master}), hostile values refused before any git access, and WebSocket subscriptions
 * (the real Java-WebSocket client) answered once the first sync of the repository they made ended.
 */
class TemplatePlaceholdersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private GitHttpServer server;
    private Vortexd daemon;
    private Http http;
    private final List<WebSocketClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = GitHttpServer.start(tmp.resolve("served"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (WebSocketClient c : clients) {
            c.closeBlocking();
        }
        server.close();
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private TestRepo served(String dir, String name, String file, String greeting) {
        TestRepo r = TestRepo.init(tmp.resolve(dir));
        r.write(file, "greeting: " + greeting + "\n").commit("first");
        server.serve(r, name);
        return r;
    }

    private void launch(String url, String... repoKeys) throws Exception {
        StringBuilder yaml = new StringBuilder("repos:\n  - name: cfg\n    urls: [\"" + url + "\"]\n    first-sync-wait: 60s\n");
        for (String k : repoKeys) {
            yaml.append("    ").append(k).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("vortex.yml"), yaml.toString());
        daemon = Vortexd.launch(List.of("--config=" + file, "--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--log.level=warn", "--sync.debounce=0ms"), Map.of());
        http = new Http(daemon.httpPort());
    }

    private static String greeting(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("propertySources").get(0).path("source").path("greeting").asText();
    }

    private List<String> repoNames() throws Exception {
        List<String> names = new ArrayList<>();
        http.json("/api/v1/repos").path("repos").forEach(x -> names.add(x.path("name").asText()));
        return names;
    }

    @Test
    void profileTemplate_aRepositoryPerProfile_lastProfileFirst_missingOnesSkipped() throws Exception {
        served("dev", "cfg-dev.git", "application.yml", "hello dev");
        TestRepo prod = served("prod", "cfg-prod.git", "application.yml", "hello prod");
        launch(server.url("cfg-{profile}.git"), "default-label: main");

        assertEquals("hello dev", greeting(http.get("/shop/dev")));
        assertEquals("hello prod", greeting(http.get("/shop/dev,prod")), "the last profile's repository serves");
        assertEquals("hello dev", greeting(http.get("/billing/prod,dev")), "one repository per profile serves every application");
        assertEquals("hello prod", greeting(http.get("/shop/ghost,prod,qa")), "profiles whose repository does not exist are skipped");
        HttpResponse<String> ghost = http.get("/shop/ghost");
        assertEquals(404, ghost.statusCode(), ghost.body());
        assertTrue(ghost.body().contains("application 'shop' (profile 'ghost') has no repository"), ghost.body());
        assertEquals(List.of("cfg.dev", "cfg.prod"), repoNames());
        assertTrue(http.get("/metrics").body().contains("vortex_template_repos{template=\"cfg\"} 2"));

        int before = server.requests();
        for (String bad : List.of("a%40evil.example.com", "x%3A22", "-upload", "a%25b")) {
            HttpResponse<String> r = http.get("/shop/" + bad);
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
        }
        assertEquals(before, server.requests(), "no git access for a hostile profile");

        // a push webhook naming the profile repository's URL syncs that one
        prod.write("application.yml", "greeting: hello again\n").commit("second");
        prod.push();
        String push = "{\"ref\":\"refs/heads/main\",\"after\":\"" + prod.head() + "\",\"repository\":{\"clone_url\":\""
                + server.url("cfg-prod.git") + "\"}}";
        HttpResponse<String> hook = http.send(HttpRequest.newBuilder(http.uri("/monitor")).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push").POST(HttpRequest.BodyPublishers.ofString(push)).build());
        assertEquals("{\"matched\":[\"cfg.prod\"]}", hook.body());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> greeting(http.get("/shop/prod")).equals("hello again"));

        // state.json: served at restart with the host down
        daemon.shutdown();
        daemon = null;
        server.mode(GitHttpServer.Mode.FAIL);
        launch(server.url("cfg-{profile}.git"), "default-label: main", "first-sync-wait: 0ms");
        assertEquals("hello again", greeting(http.get("/shop/prod")));
        assertEquals(List.of("cfg.dev", "cfg.prod"), repoNames());
    }

    @Test
    void labelTemplate_theLabelChoosesTheRepository_andALabelLessRequestTakesMainThenMaster() throws Exception {
        served("v2", "v2-config.git", "shop.yml", "hello v2").branch("v2").push();
        TestRepo master = TestRepo.init(tmp.resolve("master"));
        master.git("checkout", "-q", "-b", "master");
        master.write("shop.yml", "greeting: hello master\n").commit("first");
        server.serve(master, "master-config.git");
        launch(server.url("{label}-config.git"));

        assertEquals("hello master", greeting(http.get("/shop/default")), "no main-config.git: master, as Spring's try-master-branch");
        assertEquals("hello v2", greeting(http.get("/shop/default/v2")));
        HttpResponse<String> slash = http.get("/shop/default/release(_)1");
        assertEquals(400, slash.statusCode(), slash.body());
        assertTrue(slash.body().contains("label 'release/1' cannot name a repository"), slash.body());
        assertEquals(404, http.get("/shop/default/nope").statusCode());
        assertEquals(List.of("cfg.master", "cfg.v2"), repoNames());
    }

    @Test
    void webSocketSubscriptions_toRepositoriesNotMadeYet_areAnsweredWhenTheFirstSyncEnds() throws Exception {
        TestRepo prod = served("prod", "shop-prod.git", "shop.yml", "hello prod");
        served("dev", "shop-dev.git", "shop.yml", "hello dev");
        launch(server.url("{application}-{profile}.git"), "default-label: main");

        Client byPath = connect("/ws/shop/prod");
        JsonNode snapshot = byPath.next();
        assertEquals("config_snapshot", snapshot.path("type").asText(), snapshot.toString());
        assertEquals(prod.head(), snapshot.path("version").asText(), snapshot.toString());
        assertTrue(snapshot.toString().contains("hello prod"), snapshot.toString());

        byPath.send("{\"type\":\"subscribe\",\"patterns\":[\"shop:dev\"]}");
        JsonNode subscribed = byPath.next();
        assertEquals("subscribed", subscribed.path("type").asText(), subscribed.toString());
        JsonNode dev = byPath.next();
        assertEquals("config_snapshot", dev.path("type").asText(), dev.toString());
        assertTrue(dev.toString().contains("hello dev"), dev.toString());

        Client missing = connect("/ws/shop/ghost");
        JsonNode refused = missing.next();
        assertTrue(refused.toString().contains("has no repository"), refused.toString());
        assertEquals(List.of("cfg.shop~prod", "cfg.shop~dev"), repoNames());
        assertEquals(prod.head(), http.json("/api/v1/repos/cfg.shop~prod").path("commits").path("main").asText());

        // the names with '~' come back from state.json at a restart, served with the host down
        daemon.shutdown();
        daemon = null;
        server.mode(GitHttpServer.Mode.FAIL);
        launch(server.url("{application}-{profile}.git"), "default-label: main", "first-sync-wait: 0ms");
        assertEquals("hello prod", greeting(http.get("/shop/prod")));
        assertEquals(java.util.Set.of("cfg.shop~prod", "cfg.shop~dev"), java.util.Set.copyOf(repoNames()));
    }

    private Client connect(String path) throws Exception {
        Client c = new Client(URI.create("ws://127.0.0.1:" + daemon.wsPort() + path));
        clients.add(c);
        assertTrue(c.connectBlocking(10, TimeUnit.SECONDS));
        return c;
    }

    /** The real Java-WebSocket client, collecting the text frames it gets. */
    private static final class Client extends WebSocketClient {
        private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

        Client(URI uri) {
            super(uri);
        }

        JsonNode next() throws Exception {
            String text = texts.poll(60, TimeUnit.SECONDS);
            assertNotNull(text, "no message within 60 s");
            return JSON.readTree(text);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String message) {
            texts.add(message);
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
        }

        @Override
        public void onError(Exception ex) {
        }
    }
}
