package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.ChildDaemon;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon (a child JVM, logging at debug) that uses credentials — in URLs, in a netrc-style
 * credentials file, wrong ones, ones for a host that is down, and a malformed credentials file —
 * is driven through everything that produces output: syncs that work and fail, the status API,
 * metrics, the status page, refresh results, error bodies, config answers, the diff, a webhook
 * and WebSocket sessions. Every byte that came out (and every file it wrote) is searched for the
 * secrets: none may appear anywhere.
 */
class SecretsTest {
    private static final String URL_SECRET = "SeCrEt-in-url-5c1f9a";
    private static final String FILE_SECRET = "SeCrEt-in-file-0d7e42";
    private static final String WRONG_SECRET = "SeCrEt-wrong-93ab10";
    private static final String DOWN_SECRET = "SeCrEt-down-71c2d8";
    private static final String MALFORMED_SECRET = "SeCrEt-malformed-4b6e03";
    private static final List<String> SECRETS = List.of(URL_SECRET, FILE_SECRET, WRONG_SECRET, DOWN_SECRET, MALFORMED_SECRET);

    @TempDir
    Path tmp;
    private GitHttpServer shopServer;
    private GitHttpServer privServer;
    private ChildDaemon daemon;
    private WsSwarm ws;

    @AfterEach
    void tearDown() {
        if (ws != null) {
            ws.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (shopServer != null) {
            shopServer.close();
        }
        if (privServer != null) {
            privServer.close();
        }
    }

    @Test
    void credentialsInUrlsAndFiles_appearInNoOutputAtAll() throws Exception {
        TestRepo shop = TestRepo.init(tmp.resolve("cfg"));
        shop.write("application.yml", "greeting: hello\n").write("shop.yml", "server:\n  port: 8080\n").commit("first");
        shopServer = GitHttpServer.start(tmp.resolve("served-shop"));
        String shopUrl = shopServer.serve(shop, "cfg.git");
        shopServer.requireBasicAuth("alice", URL_SECRET);
        TestRepo priv = TestRepo.init(tmp.resolve("priv"));
        priv.write("priv-app.yml", "private: true\n").commit("first");
        privServer = GitHttpServer.start(tmp.resolve("served-priv"));
        String privUrl = privServer.serve(priv, "priv.git");
        privServer.requireBasicAuth("bob", FILE_SECRET);

        Path netrc = tmp.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login bob password " + FILE_SECRET + "\n");
        Path malformed = tmp.resolve("malformed-credentials");
        Files.writeString(malformed, "bob " + MALFORMED_SECRET + "\n");
        Path config = tmp.resolve("vortex.yml");
        Files.writeString(config, String.join("\n",
                "repos:",
                "  - name: shop",
                "    urls: [\"" + withUser(shopUrl, "alice:" + URL_SECRET) + "\"]",
                "    apps: [\"shop\", \"application\"]",
                "  - name: priv",
                "    urls: [\"" + privUrl + "\"]",
                "    apps: [\"priv-*\"]",
                "    credentials-file: " + netrc,
                "  - name: broken",
                "    urls: [\"http://carol:" + DOWN_SECRET + "@127.0.0.1:1/x.git\", \"" + withUser(shopUrl, "dave:" + WRONG_SECRET) + "\"]",
                "    apps: [\"broken-*\"]",
                "  - name: badcreds",
                "    urls: [\"" + privUrl + "\"]",
                "    apps: [\"badcreds-*\"]",
                "    credentials-file: " + malformed,
                ""));
        daemon = ChildDaemon.start(tmp.resolve("data"), List.of("--config=" + config, "--log.level=debug", "--sync.debounce=0ms"));
        Http http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode repos = http.json("/api/v1/repos").path("repos");
            return repos.get(0).path("commits").has("main") && repos.get(1).path("commits").has("main")
                    && repos.get(2).path("last_refresh").isObject() && repos.get(3).path("last_refresh").isObject();
        });

        Map<String, String> outputs = new LinkedHashMap<>();
        ws = WsSwarm.open(daemon.wsPort(), true);
        List<WsSwarm.Conn> sessions = List.of(ws.connect("/ws/shop/default"), ws.connect("/ws/priv-app/default"),
                ws.connect("/ws/broken-app/default"), ws.connect("/ws"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sessions.get(0).count("config_snapshot") == 1
                && sessions.get(1).count("config_snapshot") == 1 && sessions.get(2).isDone() && sessions.get(3).isOpen());
        ws.send(sessions.get(3), "{\"type\":\"subscribe\",\"patterns\":[\"*:*:*\"]}");
        ws.send(sessions.get(3), "{\"type\":\"resync\",\"last_version\":\"" + "0".repeat(40) + "\",\"app\":\"shop\",\"profile\":\"default\"}");
        ws.send(sessions.get(3), "not json");

        for (String path : List.of("/api/v1/repos", "/api/v1/repos/shop", "/api/v1/repos/priv", "/api/v1/repos/broken",
                "/api/v1/repos/badcreds", "/api/v1/repos/nope", "/metrics", "/", "/ready", "/health",
                "/shop/default", "/shop-default.yml", "/shop-default.properties", "/shop-default.json", "/main/shop-default.yml",
                "/priv-app/default", "/broken-app/default", "/badcreds-app/default", "/shop/default/no-such-label",
                "/shop/default/main/missing.txt", "/api/v1/repos/shop/diff?from=main&to=" + "f".repeat(40) + "&app=shop",
                "/api/v1/repos/shop/diff?from=main&to=main&app=shop")) {
            outputs.put("GET " + path, describe(http.get(path)));
        }
        for (String repo : List.of("shop", "priv", "broken", "badcreds")) {
            outputs.put("refresh " + repo, describe(http.post("/api/v1/repos/" + repo + "/refresh?wait=20s")));
        }
        outputs.put("refresh all", describe(http.post("/api/v1/refresh?wait=20s")));
        String next = shop.write("shop.yml", "server:\n  port: 9090\n").commit("second");
        shop.push();
        String hook = new ObjectMapper().writeValueAsString(Map.of("ref", "refs/heads/main", "after", next,
                "repository", Map.of("name", "cfg", "full_name", "acme/cfg", "clone_url", shopUrl)));
        outputs.put("webhook", describe(http.send(HttpRequest.newBuilder(http.uri("/monitor")).header("X-GitHub-Event", "push")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(hook)).build())));
        await().atMost(Duration.ofSeconds(20)).until(() -> next.equals(sessions.get(0).version(new WsSwarm.Target("shop", "default", "main"))));
        outputs.put("metrics after", describe(http.get("/metrics")));
        outputs.put("status after", describe(http.get("/api/v1/repos")));

        for (WsSwarm.Conn c : sessions) {
            outputs.put("websocket " + c.path, String.join("\n", c.messages()));
        }
        daemon.terminate();
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(30)));
        outputs.put("stdout and stderr", daemon.output());
        try (Stream<Path> files = Files.walk(tmp.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                outputs.put("file " + tmp.relativize(f), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }

        // the run did use the credentials, and said what failed
        assertTrue(outputs.get("GET /priv-app/default").contains("\"private\":true"), outputs.get("GET /priv-app/default"));
        assertTrue(outputs.get("refresh broken").contains("fetch http://127.0.0.1:1/x.git"), outputs.get("refresh broken"));
        assertTrue(outputs.get("refresh badcreds").contains("credentials file " + malformed), outputs.get("refresh badcreds"));
        assertTrue(outputs.get("stdout and stderr").contains("level=debug"), "the child logged at debug level");
        List<String> leaks = new ArrayList<>();
        outputs.forEach((where, text) -> SECRETS.stream().filter(text::contains).forEach(s -> leaks.add(s + " in " + where)));
        assertEquals(List.of(), leaks);
    }

    private static String withUser(String url, String userInfo) {
        return url.replace("http://", "http://" + userInfo + "@");
    }

    private static String describe(HttpResponse<String> r) {
        return r.statusCode() + " " + r.headers().map() + "\n" + r.body();
    }
}
