package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
    private static final String URL = "https://user:secret@git.example.com/cfg.git";
    private static final String SHOWN = "https://git.example.com/cfg.git/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestRepo repo;
    RepoCommits commits;
    Metrics metrics = new Metrics();
    Renderer renderer = new Renderer(metrics, 8 << 20, 1 << 20);
    RepoConfig config = RepoCommits.repo("cfg", URL);

    @BeforeEach
    void init() {
        repo = TestRepo.init(dir.resolve("cfg"));
        commits = new RepoCommits(repo.dir());
    }

    @AfterEach
    void close() {
        commits.close();
    }

    private JsonNode env(RepoConfig c, String app, String profiles, String label, String rev) throws IOException {
        return JSON.readTree(renderer.environment(c, commits.at(rev), app, profiles, label).body());
    }

    private static List<String> sourceNames(JsonNode env) {
        List<String> out = new ArrayList<>();
        env.get("propertySources").forEach(s -> {
            String name = s.get("name").asText();
            assertTrue(name.startsWith(SHOWN), name);
            out.add(name.substring(SHOWN.length()));
        });
        return out;
    }

    @Test
    void emptyMapsAndLists_everyViewAgrees_andYamlHasNoAnchors() throws IOException {
        String c = repo.write("demo.yml", """
                a: {}
                b: []
                items: [{}, [], x]
                base: &base {k: v, l: [1, 2]}
                copy: *base
                merged:
                  <<: *base
                """).commit("empties");
        String props = new String(renderer.view(config, commits.at(c), "demo", "default", null, View.PROPERTIES, true).body(),
                StandardCharsets.UTF_8);
        assertEquals(List.of("b: ", "items[1]: ", "items[2]: x"), props.lines().filter(l -> l.startsWith("b:") || l.startsWith("items")).toList());
        assertFalse(props.contains("a:"), props);
        JsonNode json = JSON.readTree(renderer.view(config, commits.at(c), "demo", "default", null, View.JSON, true).body());
        assertFalse(json.has("a"));
        assertEquals("", json.get("b").asText());
        assertEquals("v", json.at("/copy/k").asText());
        String yaml = new String(renderer.view(config, commits.at(c), "demo", "default", null, View.YAML, true).body(),
                StandardCharsets.UTF_8);
        assertFalse(yaml.contains("&") || yaml.contains("*"), yaml);
        assertTrue(yaml.contains("b: ''"), yaml);
        JsonNode env = env(config, "demo", "default", null, c);
        JsonNode source = env.get("propertySources").get(0).get("source");
        assertFalse(source.has("a"));
        assertEquals("", source.get("b").asText());
        assertFalse(source.has("items[0]"));
    }

    @Test
    void newCommitChangingOneFile_reparsesExactlyThatFile() {
        repo.write("application.yml", "a: 1\n").write("demo.yml", "b: 1\n").write("demo-prod.properties", "c=1\n")
                .write("other.yml", "d: 1\n");
        String c1 = repo.commit("one");
        renderer.environment(config, commits.at(c1), "demo", "prod", null);
        assertTrue(renderer.check(config, commits.git(), commits.at(c1).commit()).isEmpty());
        long parsed = renderer.parseCache().parses();
        assertEquals(4, parsed);

        String c2 = repo.write("demo.yml", "b: 2\n").commit("two");
        assertEquals(2, renderer.effective(config, commits.at(c2), "demo", "prod", null).get("b"));
        assertTrue(renderer.check(config, commits.git(), commits.at(c2).commit()).isEmpty());
        assertEquals(parsed + 1, renderer.parseCache().parses(), "only demo.yml changed");
        assertEquals(5, metrics.scrape().lines().filter(l -> l.startsWith("vortex_parse_cache_entries ")).map(l -> Integer.parseInt(l.split(" ")[1])).findFirst().orElseThrow());
    }

    @Test
    void forgottenCommit_isRenderedAgain_otherCommitsStayCached() {
        String c1 = repo.write("application.yml", "a: 1\n").commit("one");
        String c2 = repo.write("application.yml", "a: 2\n").commit("two");
        renderer.environment(config, commits.at(c1), "demo", "default", null);
        renderer.environment(config, commits.at(c2), "demo", "default", null);

        renderer.forget(commits.at(c1).commit());

        renderer.environment(config, commits.at(c1), "demo", "default", null);
        renderer.environment(config, commits.at(c2), "demo", "default", null);
        assertEquals(1, renderer.cacheHits(), "only c2 was still cached");
        assertEquals(3, renderer.cacheMisses());
    }

    @Test
    void parseCache_isBoundedByTheSizeOfTheFilesParsed() {
        Renderer small = new Renderer(new Metrics(), 8 << 20, 20_000); // a 1.5 KB file is estimated at 13 KB
        repo.write("application.yml", "a: " + "x".repeat(1_500) + "\n").write("demo.yml", "b: " + "y".repeat(1_500) + "\n");
        String c = repo.commit("two files of 1.5 KB");

        assertTrue(small.check(config, commits.git(), commits.at(c).commit()).isEmpty());

        assertEquals(1, small.parseCache().entries(), "room for one of the two");
    }

    @Test
    void sameRequestTwice_servedFromByteCache() {
        repo.write("application.yml", "a: 1\n");
        String c = repo.commit("one");
        Rendered first = renderer.environment(config, commits.at(c), "demo", "default", null);
        Rendered second = renderer.environment(config, commits.at(c), "demo", "default", null);
        assertSame(first, second);
        assertEquals("\"" + c + "\"", first.etag());
        assertEquals(1, renderer.cacheHits());
        assertTrue(metrics.scrape().contains("vortex_render_cache_hits_total 1\n"));
        assertTrue(metrics.scrape().contains("vortex_render_cache_misses_total 1\n"));
        Rendered labelled = renderer.environment(config, commits.at(c), "demo", "default", "main");
        assertFalse(first == labelled, "a named label is another response (\"label\":\"main\")");
    }

    @Test
    void sourceNames_useRedactedPrimaryUrl() throws IOException {
        repo.write("application.yml", "a: 1\n");
        String c = repo.commit("one");
        JsonNode env = env(config, "demo", "default", null, c);
        assertEquals(SHOWN + "application.yml", env.get("propertySources").get(0).get("name").asText());
        assertFalse(env.toString().contains("secret"));
        assertTrue(env.get("label").isNull());
        assertEquals(c, env.get("version").asText());
        assertEquals("", env.get("state").asText());
    }

    @Test
    void precedence_profilesLastWins_searchPathsAboveRoot() throws IOException {
        repo.write("application.yml", "k: root-app\n")
                .write("application-dev.yml", "k: root-app-dev\n")
                .write("demo.yml", "k: root-demo\n")
                .write("demo.properties", "k=root-demo-props\n")
                .write("demo.yaml", "k: root-demo-yaml\n")
                .write("demo/application.yml", "k: demo-dir-app\n")
                .write("demo/demo-prod.yml", "k: demo-dir-prod\n")
                .write("shared/application-prod.yml", "k: shared-prod\n")
                .write("unrelated/demo.yml", "k: never\n");
        String c = repo.commit("one");
        RepoConfig withPaths = RepoCommits.repo("cfg", URL, "{application}", "shared");
        assertEquals(List.of("shared/application-prod.yml", "demo/demo-prod.yml", "application-dev.yml",
                        "demo/application.yml", "demo.properties", "demo.yml", "demo.yaml", "application.yml"),
                sourceNames(env(withPaths, "demo", "dev,prod", null, c)));
        assertEquals(List.of("application-dev.yml", "shared/application-prod.yml", "demo/demo-prod.yml",
                        "demo/application.yml", "demo.properties", "demo.yml", "demo.yaml", "application.yml"),
                sourceNames(env(withPaths, "demo", "prod,dev", null, c)));
        assertEquals("root-app-dev", renderer.effective(withPaths, commits.at(c), "demo", "prod,dev", null).get("k"));
    }

    @Test
    void wildcardInRequestedName_isLiteralInSearchPaths() throws IOException {
        repo.write("a/application.yml", "x: a\n").write("b/application.yml", "x: b\n").write("c*/application.yml", "x: c\n");
        String c = repo.commit("one");
        RepoConfig byApp = RepoCommits.repo("cfg", URL, "{application}");
        assertEquals(List.of(), sourceNames(env(byApp, "*", "default", null, c)));
        assertEquals(List.of("c*/application.yml"), sourceNames(env(byApp, "c*", "default", null, c)));
        assertEquals(List.of("b/application.yml", "a/application.yml"),
                sourceNames(env(RepoCommits.repo("cfg", URL, "?"), "x", "default", null, c)), "configured wildcards still match");
    }

    @Test
    void unknownApplication_getsApplicationSourcesOnly() throws IOException {
        repo.write("application.yml", "a: 1\n").write("demo.yml", "b: 1\n");
        String c = repo.commit("one");
        assertEquals(List.of("application.yml"), sourceNames(env(config, "nobody", "default", null, c)));
    }

    @Test
    void labelPlaceholder_usesNamedOrDefaultLabel() throws IOException {
        repo.write("main/application.yml", "where: main-dir\n").write("v1/application.yml", "where: v1-dir\n");
        String c = repo.commit("one");
        repo.tag("v1");
        RepoConfig byLabel = RepoCommits.repo("cfg", URL, "{label}");
        assertEquals(List.of("main/application.yml"), sourceNames(env(byLabel, "demo", "default", null, c)));
        assertEquals(List.of("v1/application.yml"), sourceNames(env(byLabel, "demo", "default", "v1", "v1")));
    }

    @Test
    void profileDocuments_negationAndLegacyKey() throws IOException {
        repo.write("demo.yml", """
                a: base
                ---
                spring.config.activate.on-profile: "!prod"
                a: not-prod
                ---
                spring:
                  profiles: prod
                a: legacy-prod
                """);
        String c = repo.commit("one");
        assertEquals(List.of("demo.yml (document #1)", "demo.yml (document #0)"), sourceNames(env(config, "demo", "dev", null, c)));
        assertEquals(List.of("demo.yml (document #2)", "demo.yml (document #0)"), sourceNames(env(config, "demo", "prod", null, c)));
        assertEquals("legacy-prod", renderer.effective(config, commits.at(c), "demo", "prod", null).get("a"));
    }

    @Test
    void effective_listTakenWholeFromHighestSource_placeholdersResolved() {
        repo.write("application.yml", """
                list: [a, b, c]
                name: base
                msg: "hi ${name} on ${server.port:80} ${missing}"
                """).write("demo-prod.properties", "list[1]=B\nname=prod\n");
        String c = repo.commit("one");
        Map<String, Object> eff = renderer.effective(config, commits.at(c), "demo", "prod", null);
        assertEquals(List.of("name", "msg", "list[1]"), new ArrayList<>(eff.keySet()));
        assertEquals("hi prod on 80 ${missing}", eff.get("msg"));
        assertEquals("B", eff.get("list[1]"));
    }

    @Test
    void views_mergeNestAndResolve() throws IOException {
        repo.write("application.yml", "a:\n  b: ${c}\nc: 1\nlist: [x, y]\n").write("demo.yml", "c: 2\n");
        String c = repo.commit("one");
        Rendered json = renderer.view(config, commits.at(c), "demo", "default", null, View.JSON, true);
        assertEquals("{\"a\":{\"b\":\"2\"},\"c\":2,\"list\":[\"x\",\"y\"]}", new String(json.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", json.contentType());
        assertEquals("\"" + c + "\"", json.etag());
        Rendered raw = renderer.view(config, commits.at(c), "demo", "default", null, View.PROPERTIES, false);
        assertEquals("a.b: ${c}\nc: 2\nlist[0]: x\nlist[1]: y", new String(raw.body(), StandardCharsets.UTF_8));
        assertEquals("\"" + c + "-properties\"", raw.etag());
        Rendered yaml = renderer.view(config, commits.at(c), "demo", "default", null, View.YAML, true);
        assertEquals("a:\n  b: '2'\nc: 2\nlist:\n- x\n- y\n", new String(yaml.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain", yaml.contentType());
    }

    @Test
    void plainFile_profileVariantFirst_placeholdersResolved_binaryUntouched() {
        byte[] binary = {'P', 'K', 0, 1, '$', '{', 'a', '}'};
        repo.write("application.yml", "a: resolved\n")
                .write("docs/notice.txt", "plain ${a}\n")
                .write("docs/notice-prod.txt", "prod ${a} \\${a}\n");
        try {
            Files.write(repo.dir().resolve("docs/blob.bin"), binary);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String c = repo.commit("one");
        ResolvedCommit at = commits.at(c);
        assertEquals("prod resolved ${a}\n", text(renderer.file(config, at, "demo", "prod", null, "docs/notice.txt", true)));
        assertEquals("plain resolved\n", text(renderer.file(config, at, "demo", "dev", null, "docs/notice.txt", true)));
        assertEquals("plain ${a}\n", text(renderer.file(config, at, "demo", "default", null, "docs/notice.txt", false)));
        Rendered bin = renderer.file(config, at, "demo", "default", null, "docs/blob.bin", true).orElseThrow();
        assertArrayEquals(binary, bin.body());
        assertEquals("application/octet-stream", bin.contentType());
        assertEquals("text/plain;charset=UTF-8",
                renderer.file(config, at, "demo", "default", null, "docs/notice.txt", true).orElseThrow().contentType());
        assertTrue(renderer.file(config, at, "demo", "default", null, "docs/missing.txt", true).isEmpty());
        assertTrue(renderer.file(config, at, "demo", "default", null, "docs", true).isEmpty(), "a directory is no file");
        assertThrows(IllegalArgumentException.class, () -> renderer.file(config, at, "demo", "default", null, "../x", true));
    }

    private static String text(Optional<Rendered> r) {
        return new String(r.orElseThrow().body(), StandardCharsets.UTF_8);
    }

    @Test
    void check_brokenYaml_namesFileAndLine_andCounts() {
        repo.write("application.yml", "a: 1\n").write("demo.yml", "ok: 1\nbad: [\n  x\nnext: 2\n");
        String c = repo.commit("one");
        BrokenFile p = renderer.check(config, commits.git(), commits.at(c).commit()).get(0);
        assertEquals("demo.yml", p.path());
        assertTrue(p.line() >= 2, p.toString());
        assertEquals(List.of("demo"), p.apps());
        assertTrue(metrics.scrape().contains("vortex_render_errors_total{repo=\"cfg\"} 1\n"));
        RenderException e = assertThrows(RenderException.class,
                () -> renderer.environment(config, commits.at(c), "demo", "default", null));
        assertEquals(new ParseProblem(p.path(), p.line(), p.message()), e.problem());
        assertEquals(Optional.of(e.problem()), renderer.unreadable(config, commits.at(c), "demo", "default", null));
        assertEquals(Optional.empty(), renderer.unreadable(config, commits.at(c), "other", "default", null),
                "an application that does not read the file renders");
    }

    @Test
    void check_brokenPropertiesInSearchPath_namesFileAndLine() {
        repo.write("application.yml", "a: 1\n").write("config/demo.properties", "a=1\nb=\\uZZZZ\n")
                .write("docs/ignored.yml", "not: [valid\n");
        String c = repo.commit("one");
        assertTrue(renderer.check(config, commits.git(), commits.at(c).commit()).isEmpty(),
                "files outside the root and search paths are never read");
        RepoConfig withConfig = RepoCommits.repo("cfg", URL, "conf*");
        BrokenFile p = renderer.check(withConfig, commits.git(), commits.at(c).commit()).get(0);
        assertEquals(new BrokenFile("config/demo.properties", 2, "malformed \\uXXXX escape", List.of("demo")), p);
        assertEquals("config/demo.properties:2: malformed \\uXXXX escape", p.where());
    }

    @Test
    void check_hostileYaml_namedError() {
        StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (char ch = 'b'; ch <= 'h'; ch++) {
            bomb.append(ch).append(": &").append(ch).append(" [").append(("*" + (char) (ch - 1) + ",").repeat(8))
                    .append('*').append((char) (ch - 1)).append("]\n");
        }
        repo.write("application.yml", bomb.toString());
        String c = repo.commit("one");
        BrokenFile p = renderer.check(config, commits.git(), commits.at(c).commit()).get(0);
        assertEquals("application.yml", p.path());
        assertEquals(List.of(BrokenFile.EVERY_APP), p.apps(), "every application reads application.yml");
        assertTrue(p.message().contains("aliases"), p.message());
    }

    @Test
    void check_fileOverBound_namedError() throws IOException {
        byte[] big = new byte[CommitFiles.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(big, (byte) '#');
        Files.write(repo.dir().resolve("application.yml"), big);
        String c = repo.commit("big");
        BrokenFile p = renderer.check(config, commits.git(), commits.at(c).commit()).get(0);
        assertTrue(p.message().contains("over the 10 MiB bound"), p.message());
    }

    @Test
    void inventory_appsAndProfilesFromNamesAndDocuments() {
        repo.write("application.yml", "a: 1\n---\nspring.config.activate.on-profile: cloud\nb: 2\n")
                .write("application-eu.yml", "r: eu\n")
                .write("demo.yml", "x: 1\n")
                .write("demo-prod.properties", "x=2\n")
                .write("other-app.yml", "y: 1\n")
                .write("inventory.yml", "z: 1\n---\nspring.config.activate.on-profile: \"staging & !eu\"\n")
                .write("svc/application.yml", "s: 1\n")
                .write("svc/application-canary.yml", "s: 2\n")
                .write("README.md", "# not config\n");
        String c = repo.commit("one");
        Inventory inv = renderer.inventory(RepoCommits.repo("cfg", URL, "{application}"), commits.at(c));
        assertEquals(List.of("application", "demo", "inventory", "other-app", "svc"), new ArrayList<>(inv.apps()));
        assertEquals(List.of("cloud", "default", "eu", "prod"), new ArrayList<>(inv.profiles("demo")));
        assertEquals(List.of("cloud", "default", "eu", "staging"), new ArrayList<>(inv.profiles("inventory")));
        assertEquals(List.of("canary", "cloud", "default", "eu"), new ArrayList<>(inv.profiles("svc")));
        assertEquals(List.of("cloud", "default", "eu"), new ArrayList<>(inv.profiles("unknown")));
    }

    @Test
    void diff_betweenCommits_isRfc6902OfEffectiveConfig() {
        repo.write("application.yml", "keep: 1\nchange: old\ndrop: x\n");
        String c1 = repo.commit("one");
        repo.write("application.yml", "keep: 1\nchange: new\nadd: true\n");
        String c2 = repo.commit("two");
        JsonNode patch = renderer.diff(config, commits.at(c1), commits.at(c2), "demo", "default", null);
        assertEquals("[{\"op\":\"remove\",\"path\":\"/drop\"},{\"op\":\"replace\",\"path\":\"/change\",\"value\":\"new\"},"
                + "{\"op\":\"add\",\"path\":\"/add\",\"value\":true}]", patch.toString());
        Map<String, Object> applied = renderer.effective(config, commits.at(c1), "demo", "default", null);
        JsonPatch.apply(applied, patch);
        assertEquals(renderer.effective(config, commits.at(c2), "demo", "default", null), applied);
    }

    @Test
    void applicationNamedApp_usesItsOwnFilesOnly() throws IOException {
        repo.write("application.yml", "a: 1\n").write("application-prod.yml", "a: 2\n");
        String c = repo.commit("one");
        assertEquals(List.of("application-prod.yml", "application.yml"), sourceNames(env(config, "application", "prod", null, c)));
    }

    @Test
    void invalidNames_rejected() {
        repo.write("application.yml", "a: 1\n");
        String c = repo.commit("one");
        ResolvedCommit at = commits.at(c);
        for (String[] bad : List.of(new String[] {"..", "default"}, new String[] {"demo", "-x"}, new String[] {"de/mo", "default"},
                new String[] {"demo", "a,,b"}, new String[] {"demo", "a\u0000"})) {
            assertThrows(IllegalArgumentException.class, () -> renderer.environment(config, at, bad[0], bad[1], null),
                    String.join("|", bad));
        }
    }
}
