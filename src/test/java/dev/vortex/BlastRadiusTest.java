package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that does not parse holds back only the applications whose Environment reads it: they
 * keep their last good commit (or answer 422 naming file and line when they have none), every other
 * application moves to the new commit, over HTTP and WebSocket alike, on a fresh start and on later
 * commits. Real git repositories, a real daemon, real sockets.
 */
class BlastRadiusTest {
    private static final String BROKEN_YAML = "server:\n  port: 8080\n  name: [unclosed\n";
    private static final Pattern WHERE = Pattern.compile("shop\\.yml:(\\d+): ");

    @TempDir
    Path tmp;
    private TestRepo origin;
    private Vortexd daemon;
    private Http http;
    private WsSwarm ws;
    private CapturedLogs logs;

    private void start() throws Exception {
        daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=info",
                "--sync.debounce=0ms", "--sync.interval=1h", "--repo=" + origin.url()), Map.of());
        logs = CapturedLogs.attach(); // after launch, which sets logging up
        http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        ws = WsSwarm.open(daemon.wsPort(), false);
    }

    @AfterEach
    void tearDown() {
        if (ws != null) {
            ws.close();
        }
        if (daemon != null) {
            daemon.shutdown();
        }
        if (logs != null) {
            logs.close();
        }
    }

    private JsonNode problems() {
        return http.json("/api/v1/repos/origin").path("problems");
    }

    private String metrics() {
        return http.get("/metrics").body();
    }

    private String commitOf(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return Http.parse(r.body()).path("version").asText();
    }

    private static WsSwarm.Target main(String app) {
        return new WsSwarm.Target(app, "default", "main");
    }

    @Test
    void freshStart_whoseOnlyCommitHasABrokenFile_becomesReady_servesTheOthers_andThe422NamesFileAndLine() throws Exception {
        origin = TestRepo.init(tmp.resolve("origin"));
        String only = origin.write("application.yml", "greeting: hello\n").write("shop.yml", BROKEN_YAML)
                .write("cart.yml", "items: 3\n").commit("only commit, shop.yml broken");

        start();

        assertEquals(only, http.version("cart", "default"), "ready, and the applications that do not read shop.yml are served");
        assertEquals(only, http.version("billing", "prod"));
        assertEquals(200, http.get("/cart-default.yml").statusCode());
        for (String path : List.of("/shop/default", "/shop/prod", "/shop/default/main", "/shop-default.yml", "/main/shop-prod.properties",
                "/shop/default/main/notice.txt")) {
            HttpResponse<String> r = http.get(path);
            assertEquals(422, r.statusCode(), path + " " + r.body());
            assertTrue(WHERE.matcher(Http.parse(r.body()).path("message").asText()).find(), path + " " + r.body());
        }
        String line = line(http.get("/shop/default").body());

        JsonNode p = problems().get(0);
        assertEquals(only, p.path("commit").asText());
        assertEquals("shop.yml", p.path("file").asText());
        assertEquals(line, p.path("line").asText());
        assertEquals("[\"shop\"]", p.path("held").toString());
        assertTrue(p.path("kept").isNull(), p.toString());
        assertTrue(metrics().contains("vortex_config_unparseable{repo=\"origin\",label=\"main\",file=\"shop.yml\",line=\"" + line
                + "\",held=\"shop\"} 1"), metrics());

        WsSwarm.Conn cart = ws.connect("/ws/cart/default");
        WsSwarm.Conn shop = ws.connect("/ws/shop/default");
        WsSwarm.Conn all = ws.connect("/ws", "{\"type\":\"subscribe\",\"patterns\":[\"*:default\"]}", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> cart.count("config_snapshot") == 1
                && all.version(main("cart")) != null && all.version(main("application")) != null);
        assertEquals(0, shop.count("config_snapshot"), "a held-back subscriber with no good commit gets nothing");
        assertEquals(null, all.version(main("shop")));

        String fixed = origin.write("shop.yml", "server:\n  port: 9090\n").commit("shop.yml fixed");
        assertEquals(fixed, http.refresh("origin").path("commits").path("main").asText());

        assertEquals(fixed, http.version("shop", "default"));
        await().atMost(Duration.ofSeconds(10)).until(() -> fixed.equals(shop.version(main("shop")))
                && fixed.equals(all.version(main("shop"))));
        assertEquals(9090, shop.config(main("shop")).get("server.port"));
        assertEquals(1, shop.count("config_snapshot"), "its first message is the snapshot of the good commit");
        assertEquals(0, problems().size());
        assertTrue(!metrics().contains("vortex_config_unparseable{"), "the series goes when the file parses");
        assertEquals(List.of(), cart.violations());
        assertEquals(List.of(), all.violations());
    }

    @Test
    void laterCommits_holdBackOnlyTheReaders_eachAtItsLastGoodCommit_andEveryoneMovesWhenFixed() throws Exception {
        origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("application.yml", "a: 1\n").write("shop.yml", "server:\n  port: 8080\n")
                .write("cart.yml", "items: 1\n").commit("good");
        start();
        WsSwarm.Conn shop1 = ws.connect("/ws/shop/default");
        WsSwarm.Conn cart1 = ws.connect("/ws/cart/default");
        WsSwarm.Conn misc1 = ws.connect("/ws/misc/default");
        await().atMost(Duration.ofSeconds(10)).until(() -> shop1.count("config_snapshot") == 1
                && cart1.count("config_snapshot") == 1 && misc1.count("config_snapshot") == 1);

        // shop.yml breaks: shop stays on c1, cart and every other application move to c2
        String c2 = origin.write("application.yml", "a: 2\n").write("shop.yml", BROKEN_YAML).write("cart.yml", "items: 2\n")
                .commit("shop.yml broken");
        assertEquals(c2, http.refresh("origin").path("commits").path("main").asText());
        assertEquals(c2, http.version("cart", "default"));
        assertEquals(c2, http.version("misc", "default"));
        JsonNode shopEnv = http.json("/shop/default");
        assertEquals(c1, shopEnv.path("version").asText());
        assertEquals(1, shopEnv.path("propertySources").get(1).path("source").path("a").asInt(), "all of c1, application.yml too");
        assertEquals(200, http.get("/shop-default.properties").statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> c2.equals(cart1.version(main("cart"))) && c2.equals(misc1.version(main("misc"))));
        assertEquals(2, cart1.config(main("cart")).get("items"));
        assertEquals(0, shop1.count("config_change"), "held back: nothing pushed");
        JsonNode p = problems().get(0);
        assertEquals("shop.yml", p.path("file").asText());
        assertEquals(c1, p.path("kept").asText());
        String line = p.path("line").asText();
        assertEquals(1, logs.matching("level=warn", "configuration does not parse", "commit=" + c2, "file=shop.yml", "line=" + line,
                "held=shop", "kept=" + c1).size(), logs.text());

        // cart.yml breaks too: cart stays on c2 (its last good), shop still on c1, misc moves to c3
        String c3 = origin.write("application.yml", "a: 3\n").write("cart.yml", "items: [\n").commit("cart.yml broken too");
        assertEquals(c3, http.refresh("origin").path("commits").path("main").asText());
        assertEquals(c1, http.version("shop", "default"));
        assertEquals(c2, http.version("cart", "default"));
        assertEquals(c3, http.version("misc", "default"));
        assertEquals(2, problems().size(), problems().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> c3.equals(misc1.version(main("misc"))));
        assertEquals(0, shop1.count("config_change"));
        assertEquals(1, cart1.count("config_change"), "held back at c2: nothing more pushed");

        // a restart holds them back just the same (state.json keeps the fallbacks)
        ws.close();
        daemon.shutdown();
        logs.close();
        start();
        assertEquals(c1, http.version("shop", "default"));
        assertEquals(c2, http.version("cart", "default"));
        assertEquals(c3, http.version("misc", "default"));
        WsSwarm.Conn shop = ws.connect("/ws/shop/default");
        WsSwarm.Conn cart = ws.connect("/ws/cart/default");
        WsSwarm.Conn misc = ws.connect("/ws/misc/default");
        await().atMost(Duration.ofSeconds(10)).until(() -> c1.equals(shop.version(main("shop")))
                && c2.equals(cart.version(main("cart"))) && c3.equals(misc.version(main("misc"))));

        // application.yml breaks: every application is held back, each where it was
        String c4 = origin.write("application.yml", "a: [\n").commit("application.yml broken");
        assertEquals(c4, http.refresh("origin").path("commits").path("main").asText());
        assertEquals(c1, http.version("shop", "default"));
        assertEquals(c2, http.version("cart", "default"));
        assertEquals(c3, http.version("misc", "default"));
        assertTrue(problems().toString().contains("\"file\":\"application.yml\",\"line\":2,\"held\":[\"*\"]"), problems().toString());
        assertEquals(0, shop.count("config_change") + cart.count("config_change") + misc.count("config_change"),
                "all held back: nothing pushed");

        // all fixed: everyone moves, and the WebSocket diffs chain from what each client held
        String c5 = origin.write("application.yml", "a: 5\n").write("shop.yml", "server:\n  port: 9090\n")
                .write("cart.yml", "items: 5\n").commit("all fixed");
        assertEquals(c5, http.refresh("origin").path("commits").path("main").asText());
        for (String app : List.of("shop", "cart", "misc")) {
            assertEquals(c5, http.version(app, "default"), app);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> c5.equals(shop.version(main("shop")))
                && c5.equals(cart.version(main("cart"))) && c5.equals(misc.version(main("misc"))));
        assertEquals(9090, shop.config(main("shop")).get("server.port"));
        assertEquals(5, shop.config(main("shop")).get("a"));
        assertEquals(5, cart.config(main("cart")).get("items"));
        assertEquals(0, problems().size());
        for (WsSwarm.Conn c : List.of(shop, cart, misc)) {
            assertEquals(List.of(), c.violations());
            assertEquals(1, c.count("config_snapshot"));
        }
    }

    private static String line(String body) {
        Matcher m = WHERE.matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }
}
