package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RemoteAccess;
import dev.vortex.config.RepoConfig;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.FakeClock;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The announced-commit fetch against a real smart-HTTP host ({@code git http-backend} per request):
 * one upload-pack POST beside JGit's ref advertisement when the push is what the remote has, the
 * usual JGit fetch whenever anything else is the case, and the ref always where the remote has it.
 */
class AnnouncedFetchTest {
    private static final String MAIN = "refs/heads/main";

    @TempDir
    Path tmp;
    private GitHttpServer server;
    private TestRepo origin;
    private String url;
    private Mirrors mirrors;
    private CapturedLogs logs;
    private final Logger logger = Logger.getLogger(AnnouncedFetch.class.getName());
    private Level before;

    @BeforeEach
    void serve() throws IOException {
        server = GitHttpServer.start(tmp.resolve("served"));
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").commit("first");
        url = server.serve(origin, "cfg.git");
        before = logger.getLevel();
        logger.setLevel(Level.FINE);
        logs = CapturedLogs.attach();
    }

    @AfterEach
    void close() {
        logs.close();
        logger.setLevel(before);
        if (mirrors != null) {
            mirrors.close();
        }
        server.close();
    }

    private Mirror mirror(Optional<Path> credentials) throws IOException {
        RepoConfig repo = new RepoConfig("cfg", List.of(url), List.of("*"), Optional.of("main"), List.of(), List.of(), credentials,
                RemoteAccess.NONE);
        mirrors = Mirrors.open(tmp.resolve("mirrors"), List.of(repo), Duration.ofSeconds(20), new FakeClock());
        return mirrors.mirror("cfg");
    }

    /** The requests since {@code from}: JGit's fetch POSTs name JGit's agent, the announced one vortexd. */
    private List<String> since(int from) {
        List<String> all = server.requestLines();
        return all.subList(from, all.size());
    }

    private static long announcedPosts(List<String> requests) {
        return requests.stream().filter(r -> r.equals("POST /cfg.git/git-upload-pack agent=vortexd")).count();
    }

    private static long jgitPackPosts(List<String> requests) {
        return requests.stream().filter(r -> r.startsWith("POST /cfg.git/git-upload-pack command=fetch")
                || r.startsWith("POST /cfg.git/git-upload-pack agent=JGit")).count();
    }

    @Test
    void announcedPush_isOnePostBesideTheAdvertisement_andMovesTheRef() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(url);
        String c2 = origin.write("application.yml", "greeting: two\n").commit("two");
        String c3 = origin.write("application.yml", "greeting: three\n").commit("three");
        origin.push();
        int from = server.requests();

        Fetched fetched = m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c3));

        assertEquals(2, fetched.newCommits());
        assertEquals(ObjectId.fromString(c3), fetched.refs().branches().get("main"));
        assertEquals(ObjectId.fromString(c3), m.refs(url).branches().get("main"));
        assertEquals(Optional.of("main"), fetched.head());
        assertTrue(m.hasCommit(ObjectId.fromString(c2)));
        List<String> requests = since(from);
        assertEquals(1, announcedPosts(requests), requests.toString());
        assertEquals(0, jgitPackPosts(requests), "JGit negotiated nothing: " + requests);
        assertEquals(1, requests.stream().filter(r -> r.startsWith("GET /cfg.git/info/refs")).count(), requests.toString());
        assertEquals(3, requests.size(), "the POST, and JGit's advertisement (info/refs, ls-refs): " + requests);
        assertEquals(List.of(), logs.matching("announced fetch", "fetching as usual"));
    }

    @Test
    void refMovedOnSinceThePush_fallsBack_andEndsAtTheAdvertisedTip() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(url);
        String c2 = origin.write("application.yml", "greeting: two\n").commit("two");
        origin.push();
        String c3 = origin.write("application.yml", "greeting: three\n").commit("three");
        origin.push();
        int from = server.requests();

        Fetched fetched = m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c2));

        assertEquals(2, fetched.newCommits());
        assertEquals(ObjectId.fromString(c3), m.refs(url).branches().get("main"), "where the remote has it, not where the webhook said");
        assertEquals(1, announcedPosts(since(from)));
        assertTrue(jgitPackPosts(since(from)) >= 1, "the usual fetch followed: " + since(from));
        assertEquals(1, logs.matching("announced fetch", "fetching as usual").size(), logs.text());
    }

    @Test
    void announcedCommitTheRemoteDoesNotHave_isRefusedWithErr_andFallsBack() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(url);
        String c2 = origin.write("application.yml", "greeting: two\n").commit("two");
        origin.push();

        Fetched fetched = m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, "ab".repeat(20)));

        assertEquals(1, fetched.newCommits());
        assertEquals(ObjectId.fromString(c2), m.refs(url).branches().get("main"));
        assertEquals(1, logs.matching("fetching as usual", "ERR").size(), logs.text());
        assertFalse(m.hasCommit(ObjectId.fromString("ab".repeat(20))));
    }

    @Test
    void packWithoutTheObjectsTheMirrorLacks_failsTheConnectivityWalk_andFallsBack() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(url);
        String c1 = origin.head();
        String c2 = origin.write("application.yml", "greeting: two\n").commit("two");
        String c3 = origin.write("application.yml", "greeting: three\n").commit("three");
        origin.push();
        server.rewriteNextPost("have " + c1, "have " + c2); // the host believes the mirror has c2: the pack holds c3 alone

        Fetched fetched = m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c3));

        assertEquals(2, fetched.newCommits());
        assertEquals(ObjectId.fromString(c3), m.refs(url).branches().get("main"));
        assertTrue(m.hasCommit(ObjectId.fromString(c2)), "the usual fetch brought it");
        assertEquals(1, logs.matching("fetching as usual", "missing").size(), logs.text());
    }

    @Test
    void garbageOrAServerError_forThePost_fallsBack() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(url);
        for (GitHttpServer.Mode answer : List.of(GitHttpServer.Mode.GARBAGE, GitHttpServer.Mode.FAIL)) {
            String c = origin.write("application.yml", "greeting: " + answer + "\n").commit(answer.name());
            origin.push();
            server.answerNextPostContaining("agent=vortexd", answer);
            int from = server.requests();

            Fetched fetched = m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c));

            assertEquals(1, fetched.newCommits(), answer.name());
            assertEquals(ObjectId.fromString(c), m.refs(url).branches().get("main"), answer.name());
            assertTrue(jgitPackPosts(since(from)) >= 1, answer + ": " + since(from));
        }
        assertEquals(1, logs.matching("fetching as usual", "content type").size(), logs.text());
        assertEquals(1, logs.matching("fetching as usual", "HTTP 503").size(), logs.text());
    }

    @Test
    void basicAuthHost_getsTheCredentialsFilesUserAndToken_neverInTheLog() throws IOException {
        server.requireBasicAuth("vortex", "s3cret-token");
        Path credentials = Files.writeString(tmp.resolve("credentials"), "vortex:s3cret-token\n");
        Mirror m = mirror(Optional.of(credentials));
        m.fetch(url);
        String c2 = origin.write("application.yml", "greeting: two\n").commit("two");
        origin.push();
        int from = server.requests();

        assertEquals(1, m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c2)).newCommits());

        assertEquals(ObjectId.fromString(c2), m.refs(url).branches().get("main"));
        assertEquals(1, announcedPosts(since(from)), since(from).toString());
        assertEquals(0, jgitPackPosts(since(from)), since(from).toString());
        assertFalse(logs.text().contains("s3cret-token"));
    }

    @Test
    void emptyNamespace_hasNoHaves_soTheUsualFetchRuns() throws IOException {
        Mirror m = mirror(Optional.empty());
        String c1 = origin.head();

        assertEquals(1, m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c1)).newCommits());

        assertEquals(ObjectId.fromString(c1), m.refs(url).branches().get("main"));
        assertEquals(0, announcedPosts(server.requestLines()), server.requestLines().toString());
        assertEquals(1, logs.matching("announced fetch not used", "no commits yet").size(), logs.text());
    }

    @Test
    void fileAndSshUrls_andRefsWithoutAnAnnouncedCommit_takeTheUsualFetch() {
        String c = "ab".repeat(20);
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", tmp.resolve("origin").toString(), Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", "file:///srv/cfg.git", Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", "ssh://git@host/cfg.git", Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", "git@host:cfg.git", Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", url, Set.of(MAIN, "refs/heads/dev"), Map.of(MAIN, c)), "dev has none");
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", url, Set.of(MAIN), Map.of(MAIN, "0".repeat(40))), "a deletion");
        assertEquals(Map.of(MAIN, ObjectId.fromString(c)), AnnouncedFetch.commits("cfg", url, Set.of(MAIN), Map.of(MAIN, c)));
    }

    @Test
    void fileUrl_withAnAnnouncedCommit_fetchesAsUsual() throws IOException {
        url = origin.url();
        Mirror m = mirror(Optional.empty());
        m.fetch(url);
        String c2 = origin.write("application.yml", "greeting: two\n").commit("two");

        assertEquals(1, m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, c2)).newCommits());

        assertEquals(ObjectId.fromString(c2), m.refs(url).branches().get("main"));
        assertEquals(0, server.requests());
    }
}
