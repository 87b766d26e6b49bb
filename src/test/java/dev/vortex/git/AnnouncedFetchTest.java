package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RemoteAccess;
import dev.vortex.testing.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private AnnouncedHost host;

    @BeforeEach
    void serve() throws IOException {
        host = new AnnouncedHost(tmp, GitHttpServer.start(tmp.resolve("served")), "");
    }

    @AfterEach
    void close() {
        host.close();
    }

    private Mirror mirror(Optional<Path> credentials) throws IOException {
        return host.mirror(credentials, RemoteAccess.NONE, Duration.ofSeconds(20));
    }




    @Test
    void announcedPush_isOnePostBesideTheAdvertisement_andMovesTheRef() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(host.url);
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        String c3 = host.origin.write("application.yml", "greeting: three\n").commit("three");
        host.origin.push();
        int from = host.server.requests();

        Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c3));

        assertEquals(2, fetched.newCommits());
        assertEquals(ObjectId.fromString(c3), fetched.refs().branches().get("main"));
        assertEquals(ObjectId.fromString(c3), m.refs(host.url).branches().get("main"));
        assertEquals(Optional.of("main"), fetched.head());
        assertTrue(m.hasCommit(ObjectId.fromString(c2)));
        List<String> requests = host.since(from);
        assertEquals(1, AnnouncedHost.announcedPosts(requests), requests.toString());
        assertEquals(0, AnnouncedHost.jgitPackPosts(requests), "JGit negotiated nothing: " + requests);
        assertEquals(1, requests.stream().filter(r -> r.startsWith("GET /cfg.git/info/refs")).count(), requests.toString());
        assertEquals(3, requests.size(), "the POST, and JGit's advertisement (info/refs, ls-refs): " + requests);
        assertEquals(List.of(), host.logs.matching("announced fetch", "fetching as usual"));
    }

    @Test
    void refMovedOnSinceThePush_fallsBack_andEndsAtTheAdvertisedTip() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(host.url);
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        host.origin.push();
        String c3 = host.origin.write("application.yml", "greeting: three\n").commit("three");
        host.origin.push();
        int from = host.server.requests();

        Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c2));

        assertEquals(2, fetched.newCommits());
        assertEquals(ObjectId.fromString(c3), m.refs(host.url).branches().get("main"), "where the remote has it, not where the webhook said");
        assertEquals(1, AnnouncedHost.announcedPosts(host.since(from)));
        assertTrue(AnnouncedHost.jgitPackPosts(host.since(from)) >= 1, "the usual fetch followed: " + host.since(from));
        assertEquals(1, host.logs.matching("announced fetch", "fetching as usual").size(), host.logs.text());
    }

    @Test
    void announcedCommitTheRemoteDoesNotHave_isRefusedWithErr_andFallsBack() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(host.url);
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        host.origin.push();

        Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, "ab".repeat(20)));

        assertEquals(1, fetched.newCommits());
        assertEquals(ObjectId.fromString(c2), m.refs(host.url).branches().get("main"));
        assertEquals(1, host.logs.matching("fetching as usual", "ERR").size(), host.logs.text());
        assertFalse(m.hasCommit(ObjectId.fromString("ab".repeat(20))));
    }

    @Test
    void packWithoutTheObjectsTheMirrorLacks_failsTheConnectivityWalk_andFallsBack() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(host.url);
        String c1 = host.origin.head();
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        String c3 = host.origin.write("application.yml", "greeting: three\n").commit("three");
        host.origin.push();
        host.server.rewriteNextPost("have " + c1, "have " + c2); // the host believes the mirror has c2: the pack holds c3 alone

        Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c3));

        assertEquals(2, fetched.newCommits());
        assertEquals(ObjectId.fromString(c3), m.refs(host.url).branches().get("main"));
        assertTrue(m.hasCommit(ObjectId.fromString(c2)), "the usual fetch brought it");
        assertEquals(1, host.logs.matching("fetching as usual", "missing").size(), host.logs.text());
    }

    @Test
    void garbageOrAServerError_forThePost_fallsBack() throws IOException {
        Mirror m = mirror(Optional.empty());
        m.fetch(host.url);
        for (GitHttpServer.Mode answer : List.of(GitHttpServer.Mode.GARBAGE, GitHttpServer.Mode.FAIL)) {
            String c = host.origin.write("application.yml", "greeting: " + answer + "\n").commit(answer.name());
            host.origin.push();
            host.server.answerNextPostContaining("agent=vortexd", answer);
            int from = host.server.requests();

            Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c));

            assertEquals(1, fetched.newCommits(), answer.name());
            assertEquals(ObjectId.fromString(c), m.refs(host.url).branches().get("main"), answer.name());
            assertTrue(AnnouncedHost.jgitPackPosts(host.since(from)) >= 1, answer + ": " + host.since(from));
        }
        assertEquals(1, host.logs.matching("fetching as usual", "content type").size(), host.logs.text());
        assertEquals(1, host.logs.matching("fetching as usual", "HTTP 503").size(), host.logs.text());
    }

    @Test
    void basicAuthHost_getsTheCredentialsFilesUserAndToken_neverInTheLog() throws IOException {
        host.server.requireBasicAuth("vortex", "s3cret-token");
        Path credentials = Files.writeString(tmp.resolve("credentials"), "vortex:s3cret-token\n");
        host.assertAPushIsFetchedByThePost(mirror(Optional.of(credentials)));
        assertFalse(host.logs.text().contains("s3cret-token"));
    }

    @Test
    void emptyNamespace_hasNoHaves_soTheUsualFetchRuns() throws IOException {
        Mirror m = mirror(Optional.empty());
        String c1 = host.origin.head();

        assertEquals(1, m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c1)).newCommits());

        assertEquals(ObjectId.fromString(c1), m.refs(host.url).branches().get("main"));
        assertEquals(0, AnnouncedHost.announcedPosts(host.server.requestLines()), host.server.requestLines().toString());
        assertEquals(1, host.logs.matching("announced fetch not used", "no commits yet").size(), host.logs.text());
    }

    @Test
    void fileAndSshUrls_andRefsWithoutAnAnnouncedCommit_takeTheUsualFetch() {
        String c = "ab".repeat(20);
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", tmp.resolve("origin").toString(), Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", "file:///srv/cfg.git", Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", "ssh://git@host/cfg.git", Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", "git@host:cfg.git", Set.of(MAIN), Map.of(MAIN, c)));
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", host.url, Set.of(MAIN, "refs/heads/dev"), Map.of(MAIN, c)), "dev has none");
        assertEquals(Map.of(), AnnouncedFetch.commits("cfg", host.url, Set.of(MAIN), Map.of(MAIN, "0".repeat(40))), "a deletion");
        assertEquals(Map.of(MAIN, ObjectId.fromString(c)), AnnouncedFetch.commits("cfg", host.url, Set.of(MAIN), Map.of(MAIN, c)));
    }

    @Test
    void fileUrl_withAnAnnouncedCommit_fetchesAsUsual() throws IOException {
        host.url = host.origin.url();
        Mirror m = mirror(Optional.empty());
        m.fetch(host.url);
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");

        assertEquals(1, m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c2)).newCommits());

        assertEquals(ObjectId.fromString(c2), m.refs(host.url).branches().get("main"));
        assertEquals(0, host.server.requests());
    }
}
