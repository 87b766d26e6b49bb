package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.ops.Metrics;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.sync.CommitCheck;
import dev.vortex.sync.SyncEngine;
import dev.vortex.testing.FakeClock;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookHandlerTest {
    static final String SECRET = "It's a Secret to Everybody";
    static final String AFTER = "9c0ffee00000000000000000000000000000abcd";

    // push payloads as GitHub, GitLab and Gitea send them (fields vortexd reads, real shapes)
    static final String GITHUB = """
            {"ref":"refs/heads/main","before":"1f30e17ce7c4ce30d572ae6a666ec511ce9009f3",
             "after":"9c0ffee00000000000000000000000000000abcd",
             "repository":{"name":"config","full_name":"acme/config",
               "clone_url":"https://github.com/acme/config.git","ssh_url":"git@github.com:acme/config.git",
               "html_url":"https://github.com/acme/config"},
             "commits":[{"id":"9c0ffee00000000000000000000000000000abcd","added":[],"modified":["demo-prod.yml"],"removed":[]}]}
            """;
    static final String GITLAB = """
            {"object_kind":"push","ref":"refs/heads/main","before":"1f30e17ce7c4ce30d572ae6a666ec511ce9009f3",
             "after":"9c0ffee00000000000000000000000000000abcd","checkout_sha":"9c0ffee00000000000000000000000000000abcd",
             "project":{"name":"config","path_with_namespace":"acme/config",
               "git_http_url":"https://gitlab.com/acme/config.git","git_ssh_url":"git@gitlab.com:acme/config.git",
               "web_url":"https://gitlab.com/acme/config"},
             "commits":[{"id":"9c0ffee00000000000000000000000000000abcd","modified":["demo-prod.yml"]}]}
            """;
    static final String GITEA = """
            {"ref":"refs/heads/main","before":"1f30e17ce7c4ce30d572ae6a666ec511ce9009f3",
             "after":"9c0ffee00000000000000000000000000000abcd",
             "repository":{"name":"config","full_name":"acme/config",
               "clone_url":"https://gitea.example.com/acme/config.git","ssh_url":"git@gitea.example.com:acme/config.git",
               "html_url":"https://gitea.example.com/acme/config"}}
            """;
    static final String GITEE = """
            {"ref":"refs/heads/main","after":"9c0ffee00000000000000000000000000000abcd",
             "repository":{"name":"config","full_name":"acme/config","clone_url":"https://gitee.com/acme/config.git",
               "git_http_url":"https://gitee.com/acme/config.git"}}
            """;
    static final String BITBUCKET = """
            {"push":{"changes":[{"old":{"type":"branch","name":"main","target":{"hash":"1f30e17ce7c4ce30d572ae6a666ec511ce9009f3"}},
                                 "new":{"type":"branch","name":"main","target":{"hash":"9c0ffee00000000000000000000000000000abcd"}}},
                                {"old":{"type":"branch","name":"dev","target":{"hash":"1f30e17ce7c4ce30d572ae6a666ec511ce9009f3"}},
                                 "new":{"type":"branch","name":"dev","target":{"hash":"AAAAAAA00000000000000000000000000000ffff"}}},
                                {"old":{"type":"branch","name":"gone","target":{"hash":"1f30e17ce7c4ce30d572ae6a666ec511ce9009f3"}},
                                 "new":null}]},
             "repository":{"name":"config","full_name":"acme/config","links":{"html":{"href":"https://bitbucket.org/acme/config"}}}}
            """;

    private final List<String> triggered = new ArrayList<>();
    private final List<Set<String>> wanted = new ArrayList<>();
    private final List<Set<String>> pushedRefs = new ArrayList<>();
    private final FakeClock clock = new FakeClock();
    private final Metrics metrics = new Metrics();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static RepoConfig repo(String name, String url, String... apps) {
        return new RepoConfig(name, List.of(url), apps.length == 0 ? List.of("*") : List.of(apps), "main", List.of(), List.of(),
                Optional.empty());
    }

    private void serve(Optional<String> secret, RepoConfig... repos) throws IOException {
        WebhookHandler handler = new WebhookHandler(List.of(repos), secret, (repo, wants, refs) -> {
            triggered.add(repo);
            wanted.add(wants);
            pushedRefs.add(refs);
        }, clock, metrics);
        Router router = new Router(metrics);
        handler.register(router);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", router);
        server.start();
    }

    private HttpResponse<String> post(String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/monitor"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String body, String... headers) throws Exception {
        return post("application/json", body, headers);
    }

    private static List<String> matched(HttpResponse<String> r) throws IOException {
        JsonNode n = new ObjectMapper().readTree(r.body());
        List<String> names = new ArrayList<>();
        n.path("matched").forEach(x -> names.add(x.asText()));
        return names;
    }

    private static String sign(String body) {
        return HexFormat.of().formatHex(WebhookHandler.hmac(SECRET.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void github_matchesByCloneUrl_wantsAfter() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://github.com/acme/config.git"), repo("other", "https://github.com/acme/other.git"));

        HttpResponse<String> r = postJson(GITHUB, "X-GitHub-Event", "push");

        assertEquals(202, r.statusCode());
        assertEquals(List.of("cfg"), matched(r));
        assertEquals(List.of(Set.of(AFTER)), wanted);
        assertEquals(List.of(Set.of("refs/heads/main")), pushedRefs, "the pushed ref is fetched first");
    }

    @Test
    void refThatIsNotABranchOrTag_isNotPassedOn() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://github.com/acme/config.git"));

        postJson(GITHUB.replace("refs/heads/main", "refs/heads/../../etc"));
        postJson(GITHUB.replace("refs/heads/main", "refs/pull/1/head"));

        assertEquals(List.of(Set.of(), Set.of()), pushedRefs);
        assertEquals(List.of(Set.of(AFTER), Set.of(AFTER)), wanted);
    }

    @Test
    void github_sshConfiguredUrl_matchesTheHttpsPayload() throws Exception {
        serve(Optional.empty(), repo("cfg", "ssh://git@github.com:22/Acme/Config"));

        assertEquals(List.of("cfg"), matched(postJson(GITHUB)));
    }

    @Test
    void configuredUrlWithCredentials_matches() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://deploy:tok@github.com/acme/config.git/"));

        assertEquals(List.of("cfg"), matched(postJson(GITHUB)));
    }

    @Test
    void gitlab_matchesProjectUrl_wantsAfterOnce() throws Exception {
        serve(Optional.empty(), repo("cfg", "git@gitlab.com:acme/config.git"));

        assertEquals(List.of("cfg"), matched(postJson(GITLAB, "X-Gitlab-Event", "Push Hook")));
        assertEquals(List.of(Set.of(AFTER)), wanted);
    }

    @Test
    void gitea_and_gitee_match() throws Exception {
        serve(Optional.empty(), repo("tea", "https://gitea.example.com/acme/config.git"), repo("tee", "https://gitee.com/acme/config"));

        assertEquals(List.of("tea"), matched(postJson(GITEA, "X-Gitea-Event", "push")));
        assertEquals(List.of("tee"), matched(postJson(GITEE, "X-Gitee-Event", "Push Hook")));
    }

    @Test
    void bitbucket_everyNewHashIsWanted() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://bitbucket.org/acme/config.git"));

        assertEquals(List.of("cfg"), matched(postJson(BITBUCKET, "X-Event-Key", "repo:push")));
        assertEquals(List.of(Set.of(AFTER, "aaaaaaa00000000000000000000000000000ffff")), wanted);
        assertEquals(List.of(Set.of("refs/heads/main", "refs/heads/dev")), pushedRefs);
    }

    @Test
    void fullName_matchesAMirrorUrlOnAnotherHost() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://git-mirror.internal/acme/config.git"));

        assertEquals(List.of("cfg"), matched(postJson(GITHUB)));
    }

    @Test
    void name_matchesWhenNothingElseDoes() throws Exception {
        serve(Optional.empty(), repo("config", "https://git.internal/team/cfg.git"));

        assertEquals(List.of("config"), matched(postJson(GITHUB)));
    }

    @Test
    void deletedBranch_allZeroAfter_refreshesWithoutWant() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://github.com/acme/config.git"));

        postJson(GITHUB.replace("\"after\":\"" + AFTER, "\"after\":\"" + "0".repeat(40)).replace("\"commits\":[{\"id\":\"" + AFTER, "\"commits\":[{\"id\":\"x"));

        assertEquals(List.of(Set.of()), wanted);
        assertEquals(List.of(Set.of()), pushedRefs, "nothing to fetch first: the run fetches every ref");
    }

    @Test
    void noMatch_202EmptyAndNothingTriggered() throws Exception {
        serve(Optional.empty(), repo("shop", "https://git.example.com/shop-config.git"));

        HttpResponse<String> r = postJson(GITHUB);

        assertEquals(202, r.statusCode());
        assertEquals(List.of(), matched(r));
        assertEquals(List.of(), triggered);
        assertEquals(1, metrics.counter("vortex_webhook_requests_total", "", "result").value("unmatched"));
    }

    @Test
    void badJson_400AndNothingTriggered() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://github.com/acme/config.git"));

        HttpResponse<String> r = postJson("{\"repository\":");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"status\":400"), r.body());
        assertEquals(List.of(), triggered);
        assertEquals(400, postJson("[1,2]").statusCode());
    }

    @Test
    void formPath_triggersReposServingTheApplication() throws Exception {
        serve(Optional.empty(), repo("shop", "https://h/shop.git", "shop*"), repo("demo", "https://h/demo.git", "demo"));

        assertEquals(List.of("demo"), matched(post("application/x-www-form-urlencoded", "path=demo")));
        assertEquals(List.of("demo"), matched(post("application/x-www-form-urlencoded", "path=config/demo-prod.yml")));
        assertEquals(List.of("shop", "demo"), matched(post("application/x-www-form-urlencoded", "path=application.yml")));
        assertEquals(List.of(), matched(post("application/x-www-form-urlencoded", "path=billing")));
        assertEquals(List.of(Set.of(), Set.of(), Set.of(), Set.of()), wanted);
        assertEquals(400, post("application/x-www-form-urlencoded", "nothing=here").statusCode());
    }

    @Test
    void githubFormPayload_isParsed() throws Exception {
        serve(Optional.empty(), repo("cfg", "https://github.com/acme/config.git"));

        HttpResponse<String> r = post("application/x-www-form-urlencoded", "payload=" + URLEncoder.encode(GITHUB, StandardCharsets.UTF_8));

        assertEquals(List.of("cfg"), matched(r));
        assertEquals(List.of(Set.of(AFTER)), wanted);
    }

    @Test
    void secret_githubSignatureVerified() throws Exception {
        serve(Optional.of(SECRET), repo("cfg", "https://github.com/acme/config.git"));

        assertEquals(202, postJson(GITHUB, "X-Hub-Signature-256", "sha256=" + sign(GITHUB)).statusCode());
        assertEquals(List.of("cfg"), triggered);
    }

    @Test
    void secret_wrongOrMissingSignature_401AndNoSync() throws Exception {
        serve(Optional.of(SECRET), repo("cfg", "https://github.com/acme/config.git"));

        assertEquals(401, postJson(GITHUB, "X-Hub-Signature-256", "sha256=" + sign(GITHUB + " ")).statusCode());
        assertEquals(401, postJson(GITHUB, "X-Hub-Signature-256", sign(GITHUB)).statusCode(), "prefix required");
        assertEquals(401, postJson(GITHUB).statusCode());
        assertEquals(401, postJson(GITHUB, "X-Gitlab-Token", "guess").statusCode());
        assertEquals(401, post("application/x-www-form-urlencoded", "path=demo").statusCode());
        assertEquals(401, postJson(GITHUB, "X-Hub-Signature", "sha1=" + sign(GITHUB)).statusCode());
        assertEquals(List.of(), triggered);
        assertEquals(6, metrics.counter("vortex_webhook_requests_total", "", "result").value("unauthorized"));
    }

    @Test
    void secret_giteaBitbucketGitlabGiteeForms() throws Exception {
        serve(Optional.of(SECRET), repo("tea", "https://gitea.example.com/acme/config.git"),
                repo("bb", "https://bitbucket.org/acme/config"), repo("lab", "https://gitlab.com/acme/config"),
                repo("tee", "https://gitee.com/acme/config"));

        assertEquals(202, postJson(GITEA, "X-Gitea-Signature", sign(GITEA)).statusCode());
        assertEquals(202, postJson(BITBUCKET, "X-Hub-Signature", "sha256=" + sign(BITBUCKET).toUpperCase()).statusCode());
        assertEquals(202, postJson(GITLAB, "X-Gitlab-Token", SECRET).statusCode());
        assertEquals(202, postJson(GITEE, "X-Gitee-Token", SECRET).statusCode());
        assertEquals(List.of("tea", "bb", "lab", "tee"), triggered);
    }

    @Test
    void secret_giteeTimestampSignature_checkedAndFresh() throws Exception {
        serve(Optional.of(SECRET), repo("tee", "https://gitee.com/acme/config"));
        long ts = clock.instant().toEpochMilli();
        byte[] mac = WebhookHandler.hmac(SECRET.getBytes(StandardCharsets.UTF_8),
                (ts + "\n" + SECRET).getBytes(StandardCharsets.UTF_8));
        String token = URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);

        assertEquals(202, postJson(GITEE, "X-Gitee-Token", token, "X-Gitee-Timestamp", Long.toString(ts)).statusCode());
        assertEquals(401, postJson(GITEE, "X-Gitee-Token", token, "X-Gitee-Timestamp", Long.toString(ts + 1)).statusCode());
        clock.advance(Duration.ofHours(2));
        assertEquals(401, postJson(GITEE, "X-Gitee-Token", token, "X-Gitee-Timestamp", Long.toString(ts)).statusCode(), "stale");
        assertEquals(List.of("tee"), triggered);
    }

    @Test
    void pushWebhook_realEngine_fetchesAndServesTheWantedCommit(@TempDir Path tmp) throws Exception {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "a: 1\n").commit("first");
        Files.createDirectories(tmp.resolve("served"));
        try (GitHttpServer git = GitHttpServer.start(tmp.resolve("served"))) {
            GitHttpServer.bareCopy(origin, tmp.resolve("served"), "config.git");
            origin.git("remote", "add", "served", tmp.resolve("served/config.git").toString());
            RepoConfig repo = repo("cfg", git.url("config.git"));
            VortexConfig config = ConfigLoader.load(List.of("--data-dir=" + tmp.resolve("data"), "--sync.interval=1h"), Map.of())
                    .withRepos(List.of(repo), false);
            try (Mirrors mirrors = Mirrors.open(config, InstantSource.system())) {
                StateStore state = new StateStore(StateFile.in(config.dataDir()), metrics);
                SyncEngine engine = new SyncEngine(config, mirrors, state, CommitCheck.acceptAll(), metrics, InstantSource.system());
                engine.start();
                try {
                    WebhookHandler handler = WebhookHandler.create(config, engine, (r, w, f) -> { }, metrics, InstantSource.system());
                    Router router = new Router(metrics);
                    handler.register(router);
                    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                    server.createContext("/", router);
                    server.start();
                    await().atMost(Duration.ofSeconds(20)).until(() -> state.snapshot().servesAll(List.of("cfg")));
                    String pushed = origin.write("application.yml", "a: 2\n").commit("pushed");
                    origin.git("push", "-q", "served", "main");

                    String payload = GITHUB.replace(AFTER, pushed).replace("https://github.com/acme/config.git", git.url("config.git"));
                    assertEquals(List.of("cfg"), matched(postJson(payload, "X-GitHub-Event", "push")));

                    await().atMost(Duration.ofSeconds(20)).until(() -> state.servedCommit("cfg", "main").equals(Optional.of(pushed)));
                    // the commit is published before the run's bookkeeping: the status follows a moment later
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals("webhook",
                            engine.status("cfg").orElseThrow().status().lastRefresh().orElseThrow().trigger()));
                } finally {
                    engine.stop(Duration.ofSeconds(5));
                }
            }
        }
    }

    @Test
    void key_reducesUrlFormsToHostAndPath() {
        Map<String, String> forms = Map.of(
                "https://github.com/Acme/Config.git", "github.com/acme/config",
                "git@github.com:acme/config.git", "github.com/acme/config",
                "ssh://git@github.com:2222/acme/config", "github.com/acme/config",
                "https://u:p@github.com:443/acme/config/", "github.com/acme/config",
                "http://[::1]:8080/x.git", "[::1]/x");
        forms.forEach((url, key) -> assertEquals(key, WebhookHandler.key(url), url));
    }
}
