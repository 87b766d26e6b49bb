package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vortex.config.RemoteAccess;
import dev.vortex.config.RepoConfig;
import dev.vortex.testing.CapturedLogs;
import dev.vortex.testing.FakeClock;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The announced-commit fetch tests' world: a real smart-HTTP host serving an origin repository with
 * one commit, the fetch's debug log captured, and the mirrors a test opens (one set at a time),
 * all closed by {@link #close}.
 */
final class AnnouncedHost implements AutoCloseable {
    static final String MAIN = "refs/heads/main";
    final GitHttpServer server;
    final TestRepo origin;
    /** The origin's URL at the host, as the next {@link #mirror}'s configuration names it (a test may point it elsewhere first). */
    String url;
    final CapturedLogs logs;
    private final Logger logger = Logger.getLogger(AnnouncedFetch.class.getName());
    private final Level before;
    private final Path tmp;
    private Mirrors mirrors;

    /** Serves a new origin under {@code tmp} at {@code server}; {@code userInfo} ("user:secret@", or "") goes into the URL. */
    AnnouncedHost(Path tmp, GitHttpServer server, String userInfo) throws IOException {
        this.tmp = tmp;
        this.server = server;
        origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").commit("first");
        url = server.serve(origin, "cfg.git").replaceFirst("://", "://" + userInfo);
        before = logger.getLevel();
        logger.setLevel(Level.FINE);
        logs = CapturedLogs.attach();
    }

    /** The mirror of the origin, with these credentials, transports and fetch timeout (the mirrors opened before are closed). */
    Mirror mirror(Optional<Path> credentials, RemoteAccess access, Duration timeout) throws IOException {
        if (mirrors != null) {
            mirrors.close();
        }
        RepoConfig repo = new RepoConfig("cfg", List.of(url), List.of("*"), Optional.of("main"), List.of(), List.of(), credentials, access);
        mirrors = Mirrors.open(tmp.resolve("mirrors"), List.of(repo), timeout, new FakeClock());
        return mirrors.mirror("cfg");
    }

    /** The host's request lines since {@code from}: JGit's fetch POSTs name JGit's agent, the announced one vortexd. */
    List<String> since(int from) {
        List<String> all = server.requestLines();
        return all.subList(from, all.size());
    }

    /** How many of {@code requests} are the announced POST. */
    static long announcedPosts(List<String> requests) {
        return requests.stream().filter(r -> r.equals("POST /cfg.git/git-upload-pack agent=vortexd")).count();
    }

    /** How many of {@code requests} are JGit's own fetch POSTs (protocol v2's fetch command, or v0's with JGit's agent). */
    static long jgitPackPosts(List<String> requests) {
        return requests.stream().filter(r -> r.startsWith("POST /cfg.git/git-upload-pack command=fetch")
                || r.startsWith("POST /cfg.git/git-upload-pack agent=JGit")).count();
    }

    /**
     * The mirror fetches the origin, a commit is pushed there and announced: one announced POST, none
     * of JGit's fetch POSTs, and the ref at the pushed commit.
     */
    void assertAPushIsFetchedByThePost(Mirror m) throws IOException {
        m.fetch(url);
        String pushed = origin.write("application.yml", "greeting: two\n").commit("two");
        origin.push();
        int from = server.requests();

        assertEquals(1, m.fetchRefs(url, Set.of(MAIN), Map.of(MAIN, pushed)).newCommits());

        assertEquals(ObjectId.fromString(pushed), m.refs(url).branches().get("main"));
        assertEquals(1, announcedPosts(since(from)), since(from).toString());
        assertEquals(0, jgitPackPosts(since(from)), since(from).toString());
    }

    @Override
    public void close() {
        logs.close();
        logger.setLevel(before);
        if (mirrors != null) {
            mirrors.close();
        }
        server.close();
    }
}
