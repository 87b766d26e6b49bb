package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.render.RepoCommits;
import dev.vortex.render.Renderer;
import dev.vortex.config.VortexConfig;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden test: every request of test resource {@code spring-compat/paths.txt} against the demo
 * repository, compared with what Spring Cloud Config Server 4.3.1 answered.
 */
class SpringCompatTest {
    private static final String SPRING_URL = "http://127.0.0.1:9418/demo-repo";
    private static final String OUR_URL = "https://git.example.com/demo-repo.git";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPRING_MULTI_DOC = Pattern.compile("file \\[/tmp/[^/]+/(.+?)' via location '.*' \\(document #(\\d+)\\)$");
    private static final Pattern OUR_MULTI_DOC = Pattern.compile("^(.+) \\(document #(\\d+)\\)$");

    @TempDir
    static Path tmp;
    static HttpServer server;
    static RepoCommits commits;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        TestRepo demo = TestRepo.springDemo(tmp.resolve("demo"));
        assertEquals(TestRepo.SPRING_DEMO_COMMIT, demo.head(), "the commit Spring's answers name");
        commits = new RepoCommits(demo.dir());
        RepoConfig repo = RepoCommits.repo("demo", OUR_URL);
        Metrics metrics = new Metrics();
        Renderer renderer = new Renderer(metrics, new VortexConfig.Render(16 << 20));
        Router router = new Router(metrics).fallback(new ConfigHandler(List.of(repo), commits, renderer));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", router);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        commits.close();
    }

    @TestFactory
    Stream<DynamicTest> everyPath_answersLikeSpring() throws IOException {
        JsonNode answers = JSON.readTree(TestRepo.resource("spring-compat/answers/spring-cloud-config-4.3.1.json").toFile());
        List<String> paths = Files.readAllLines(TestRepo.resource("spring-compat/paths.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        assertEquals(answers.size(), paths.size(), "every path has an answer");
        return paths.stream().map(p -> DynamicTest.dynamicTest(p, () -> compare(p, answers.get(p))));
    }

    private static void compare(String path, JsonNode expected) throws Exception {
        HttpResponse<String> got = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected.get("status").asInt(), got.statusCode(), path + " status; body " + got.body());
        assertEquals(expected.get("content_type").asText(), got.headers().firstValue("Content-Type").orElse(""), path + " content type");
        String body = expected.get("body").asText();
        String type = expected.get("content_type").asText();
        if (got.statusCode() != 200) {
            JsonNode error = JSON.readTree(got.body());
            assertEquals(404, error.get("status").asInt());
            assertEquals("Not Found", error.get("error").asText());
            assertEquals(path, error.get("path").asText());
            return;
        }
        if (!path.contains(".") && !path.contains("/docs/")) {
            compareEnvironment(path, JSON.readTree(body), JSON.readTree(got.body()));
        } else if (path.endsWith(".json")) {
            assertEquals(JSON.readTree(body), JSON.readTree(got.body()), path);
            assertEquals(body, got.body(), path + " byte for byte");
        } else if (path.endsWith(".yml")) {
            YAMLMapper yaml = new YAMLMapper();
            assertEquals(yaml.readTree(body), yaml.readTree(got.body()), path);
            assertEquals(body, got.body(), path + " byte for byte");
        } else if (path.endsWith(".properties")) {
            assertEquals(lines(body), lines(got.body()), path);
            assertEquals(body, got.body(), path + " byte for byte");
        } else {
            assertEquals(body, got.body(), path);
        }
        assertTrue(type.isEmpty() || got.headers().firstValue("ETag").isPresent(), path + " has an ETag");
    }

    private static void compareEnvironment(String path, JsonNode expected, JsonNode got) {
        for (String field : List.of("name", "profiles", "label", "version", "state")) {
            assertEquals(expected.get(field), got.get(field), path + " " + field);
        }
        JsonNode want = expected.get("propertySources");
        JsonNode have = got.get("propertySources");
        List<String> wantNames = new ArrayList<>();
        List<String> haveNames = new ArrayList<>();
        want.forEach(s -> wantNames.add(springName(s.get("name").asText())));
        have.forEach(s -> haveNames.add(ourName(s.get("name").asText())));
        assertEquals(wantNames, haveNames, path + " property sources");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(ordered(want.get(i).get("source")), ordered(have.get(i).get("source")), path + " source " + wantNames.get(i));
        }
    }

    // path + document number, Spring's clone directory left out
    private static String springName(String name) {
        Matcher m = SPRING_MULTI_DOC.matcher(name);
        if (m.find()) {
            return m.group(1) + " #" + m.group(2);
        }
        assertTrue(name.startsWith(SPRING_URL + "/"), name);
        return name.substring(SPRING_URL.length() + 1);
    }

    private static String ourName(String name) {
        assertTrue(name.startsWith(OUR_URL + "/"), name);
        String rest = name.substring(OUR_URL.length() + 1);
        Matcher m = OUR_MULTI_DOC.matcher(rest);
        return m.matches() ? m.group(1) + " #" + m.group(2) : rest;
    }

    // key order matters (Spring keeps file order): compare as ordered entry lists, values with their JSON types
    private static List<Map.Entry<String, JsonNode>> ordered(JsonNode source) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        out.addAll(source.properties());
        return out;
    }

    private static Map<String, String> lines(String properties) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : properties.split("\n")) {
            int sep = line.indexOf(": ");
            out.put(line.substring(0, sep), line.substring(sep + 2));
        }
        return out;
    }
}
