package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.WsSwarm;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits whose content the daemon cannot or must not serve: files that do not parse (YAML and
 * properties), a 50 MiB file, symbolic links and a submodule, binary files, file names that are
 * not UTF-8. The applications reading a broken file keep their last good commit (the others move
 * on, see {@link BlastRadiusTest}), what cannot be read is skipped with a
 * warning naming it, and no request against any of these commits — every Spring path shape, by
 * default label, branch and commit id — answers a server error.
 */
class ContentFaultsTest {
    private static final List<String> FILE_PATHS = List.of("docs/notice.txt", "notice.txt", "data/huge.bin", "logo.png",
            "shop-prod.yml", "docs/link.txt", "lib", "lib/x.yml", "missing.txt");

    @TempDir
    Path tmp;
    private TestRepo origin;
    private String good;
    private Vortexd daemon;
    private Http http;
    private WsSwarm ws;
    private WsSwarm.Conn client;
    private CapturedLogs logs;

    @BeforeEach
    void setUp() throws Exception {
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").write("shop.yml", "server:\n  port: 8080\n")
                .write("shop-prod.properties", "feature=on\n").write("docs/notice.txt", "see ${greeting}\n");
        good = origin.commit("good");
        daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--sync.debounce=0ms", "--sync.interval=1h", "--repo=" + origin.url()), Map.of());
        logs = CapturedLogs.attach();
        http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(20)).until(http::ready);
        ws = WsSwarm.open(daemon.wsPort(), false);
        client = ws.connect("/ws/shop/prod");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.count("config_snapshot") == 1);
    }

    @AfterEach
    void tearDown() {
        logs.close();
        ws.close();
        daemon.shutdown();
    }

    private String served() {
        return http.version("shop", "prod");
    }

    private JsonNode status() {
        return http.json("/api/v1/repos/origin");
    }

    /** Every Spring path shape for {@code labels} (null: none named): never a 5xx, and every error is the JSON error body. */
    private void assertNeverAServerError(String... labels) {
        List<String> paths = new ArrayList<>();
        for (String app : List.of("shop", "application", "caf%C3%A9")) {
            for (String profiles : List.of("prod", "default", "prod,dev")) {
                for (String label : labels) {
                    String l = label == null ? "" : "/" + label;
                    paths.add("/" + app + "/" + profiles + l);
                    for (String ext : List.of("yml", "yaml", "properties", "json")) {
                        paths.add(l + "/" + app + "-" + profiles + "." + ext);
                    }
                    for (String file : FILE_PATHS) {
                        paths.add(label == null ? "/" + app + "/" + profiles + "/" + file + "?useDefaultLabel"
                                : "/" + app + "/" + profiles + l + "/" + file);
                    }
                }
            }
        }
        List<String> bad = new ArrayList<>();
        for (String path : paths) {
            HttpResponse<String> r = http.get(path);
            if (r.statusCode() >= 500) {
                bad.add(r.statusCode() + " " + path + " " + r.body());
            } else if (r.statusCode() >= 400) {
                JsonNode body = Http.parse(r.body());
                if (body.path("status").asInt() != r.statusCode() || !body.path("message").isTextual()) {
                    bad.add(r.statusCode() + " without the error body: " + path + " " + r.body());
                }
            }
        }
        assertEquals(List.of(), bad, paths.size() + " requests");
        assertEquals(200, http.get("/health").statusCode());
    }

    /** A commit breaking {@code path} holds shop back; a fixed commit then moves it, and the WebSocket client follows. */
    private void heldBackThenFixed(String path, String broken, String fixed, String problem) {
        origin.write(path, broken);
        String bad = origin.commit("broken " + path);

        JsonNode run = http.refresh("origin");

        assertEquals(bad, run.path("commits").path("main").asText(), run.toString());
        assertEquals(good, served());
        JsonNode held = status().path("problems").get(0);
        assertEquals(bad, held.path("commit").asText());
        assertEquals(path, held.path("file").asText());
        assertEquals("[\"shop\"]", held.path("held").toString());
        assertEquals(good, held.path("kept").asText());
        assertTrue(held.path("problem").asText().startsWith(path + ":") && held.path("problem").asText().contains(problem),
                held.toString());
        assertTrue(http.get("/metrics").body().contains("vortex_config_unparseable{repo=\"origin\",label=\"main\",file=\"" + path));
        assertNeverAServerError(null, "main", bad, good);
        assertEquals(0, client.count("config_change"), "nothing pushed to a held-back subscriber");

        origin.write(path, fixed);
        String next = origin.commit("fixed " + path);
        assertEquals(next, http.refresh("origin").path("commits").path("main").asText());
        assertEquals(next, served());
        assertEquals(0, status().path("problems").size(), status().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> next.equals(client.version(new WsSwarm.Target("shop", "prod", "main"))));
        assertFreshSnapshotEquals(client);
    }

    /** What {@code c} holds for shop/prod equals what a new connection is sent. */
    private void assertFreshSnapshotEquals(WsSwarm.Conn c) {
        WsSwarm.Conn fresh = ws.connect("/ws/shop/prod");
        await().atMost(Duration.ofSeconds(10)).until(() -> fresh.count("config_snapshot") == 1);
        WsSwarm.Target t = new WsSwarm.Target("shop", "prod", "main");
        assertEquals(fresh.config(t), c.config(t));
        assertEquals(List.of(), c.violations());
        ws.close(fresh);
    }

    @Test
    void unparseableProperties_keepTheLastGoodCommit_untilAFixedOneArrives() {
        heldBackThenFixed("shop-prod.properties", "feature=on\nbroken=\\uZZZZ\n", "feature=off\n", "malformed \\uXXXX escape");
    }

    @Test
    void unparseableYaml_keepsTheLastGoodCommit_untilAFixedOneArrives() {
        heldBackThenFixed("shop.yml", "server:\n  port: [unclosed\n", "server:\n  port: 9090\n", "shop.yml");
    }

    @Test
    void fiftyMebibyteFile_isRefusedByName_withoutRunningOutOfMemoryOrA500() throws Exception {
        // one 50 MiB blob under two names: a configuration file (refused) and a plain file (served commit, file refused)
        byte[] line = "key: some value that repeats\n".getBytes(StandardCharsets.US_ASCII);
        Path big = origin.dir().resolve("big.yml");
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long written = 0; written < 50L << 20; written += line.length) {
                out.write(line);
            }
        }
        long size = Files.size(big);
        Files.createDirectories(origin.dir().resolve("data"));
        Files.copy(big, origin.dir().resolve("data/huge.bin"));
        String bad = origin.commit("50 MiB");

        JsonNode run = http.refresh("origin");

        assertEquals(bad, run.path("commits").path("main").asText(), run.toString());
        String problem = status().path("problems").get(0).path("problem").asText();
        assertEquals("big.yml: file is " + size + " bytes, over the 10 MiB bound (held back: big)", problem);
        assertEquals(bad, served(), "shop does not read big.yml: it moves on");
        assertNeverAServerError(null, bad);

        origin.delete("big.yml");
        String plain = origin.commit("only the plain file is big");
        assertEquals(plain, http.refresh("origin").path("commits").path("main").asText());
        HttpResponse<String> file = http.get("/shop/default/main/data/huge.bin");
        assertEquals(422, file.statusCode(), file.body());
        assertTrue(Http.parse(file.body()).path("message").asText().contains("data/huge.bin: file is " + size + " bytes"), file.body());
        assertNeverAServerError(null, "main", plain);
        assertTrue(http.get("/metrics").body().contains("vortex_jvm_heap_used_bytes"));
    }

    @Test
    void symbolicLinksAndASubmodule_areSkipped_withAWarningNamingThem() throws Exception {
        TestRepo sub = TestRepo.init(tmp.resolve("sub"));
        sub.write("x.yml", "x: 1\n").commit("sub");
        origin.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir().toString(), "lib");
        Files.createSymbolicLink(origin.dir().resolve("shop-prod.yml"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(origin.dir().resolve("application-prod.yml"), Path.of("shop.yml"));
        Files.createSymbolicLink(origin.dir().resolve("docs/link.txt"), Path.of("../application.yml"));
        String linked = origin.commit("links and a submodule");

        assertEquals(linked, http.refresh("origin").path("commits").path("main").asText());

        JsonNode env = http.json("/shop/prod");
        assertEquals(linked, env.path("version").asText());
        assertEquals(List.of("shop-prod.properties", "shop.yml", "application.yml"), env.path("propertySources").findValuesAsText("name")
                .stream().map(n -> n.substring(n.lastIndexOf('/') + 1)).toList());
        assertEquals(404, http.get("/shop/prod/main/docs/link.txt").statusCode());
        assertEquals(404, http.get("/shop/prod/main/shop-prod.yml").statusCode());
        assertEquals(404, http.get("/shop/prod/main/lib/x.yml").statusCode());
        for (String path : List.of("shop-prod.yml", "application-prod.yml", "lib")) {
            assertEquals(1, logs.matching("level=warn", "tree entry skipped", "path=" + path, "commit=" + linked).size(), logs.text());
        }
        assertTrue(logs.matching("path=lib").get(0).contains("submodule"), logs.text());
        assertTrue(logs.matching("path=shop-prod.yml").get(0).contains("symbolic link"), logs.text());
        assertNeverAServerError(null, linked);

        String later = origin.write("shop.yml", "server:\n  port: 9090\n").commit("links stay");
        assertEquals(later, http.refresh("origin").path("commits").path("main").asText());
        assertEquals(3, logs.matching("tree entry skipped").size(), "a link that stays is warned about once: " + logs.text());
    }

    @Test
    void binaryFiles_areServedUntouched_andABinaryYamlIsRefused() throws Exception {
        byte[] png = new byte[4096];
        new Random(3).nextBytes(png);
        png[0] = 0;
        Files.write(origin.dir().resolve("logo.png"), png);
        Files.write(origin.dir().resolve("shop-prod.properties"), new byte[] {'k', '=', (byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
        String binary = origin.commit("binary files");

        assertEquals(binary, http.refresh("origin").path("commits").path("main").asText());
        HttpResponse<byte[]> logo = http.client().send(HttpRequest.newBuilder(http.uri("/shop/default/main/logo.png")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, logo.statusCode());
        assertEquals("application/octet-stream", logo.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(png, logo.body());
        assertNeverAServerError(null, binary);

        Files.write(origin.dir().resolve("shop.yml"), Arrays.copyOf(png, 512));
        String bad = origin.commit("binary yaml");
        assertEquals(bad, http.refresh("origin").path("commits").path("main").asText());
        assertEquals(binary, served(), "shop reads shop.yml: held back");
        assertTrue(status().path("problems").get(0).path("problem").asText().startsWith("shop.yml"), status().toString());
        assertNeverAServerError(null, bad);
    }

    @Test
    void fileNamesThatAreNotUtf8_areSkipped_withAWarningNamingThem() throws Exception {
        String weird = sh("""
                blob=$(printf 'x: 1\\n' | git hash-object -w --stdin)
                tree=$({ git ls-tree HEAD; printf '100644 blob %s\\tcaf\\351.yml\\n' "$blob"; printf '100644 blob %s\\tshop-\\377.yml\\n' "$blob"; } | git mktree)
                commit=$(git commit-tree "$tree" -p HEAD -m 'names in Latin-1')
                git update-ref refs/heads/main "$commit"
                git reset -q --hard
                echo "$commit"
                """).trim();

        assertEquals(weird, http.refresh("origin").path("commits").path("main").asText());

        assertEquals(2, logs.matching("level=warn", "tree entry skipped", "commit=" + weird, "not UTF-8").size(), logs.text());
        JsonNode env = http.json("/caf%C3%A9/default");
        assertEquals(List.of("application.yml"), env.path("propertySources").findValuesAsText("name").stream()
                .map(n -> n.substring(n.lastIndexOf('/') + 1)).toList());
        assertNeverAServerError(null, weird);
        assertEquals(200, http.get("/shop-default.properties").statusCode());
    }

    /** Runs a bash script in the origin repository; returns its output. */
    private String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-euc", script).directory(origin.dir().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }
}
