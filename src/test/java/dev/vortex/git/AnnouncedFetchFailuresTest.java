package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.vortex.config.RemoteAccess;
import dev.vortex.testing.GitHttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The announced-commit fetch's POST failing in the ways a real host can fail it — never answering,
 * a damaged or cut-off pack, an error on side-band 3 — against a real smart-HTTP host that demands
 * the token in the URL: each time nothing moves and nothing damaged is stored by the attempt, the
 * usual fetch ends at the remote's tip, the reason is in the debug log, and the token nowhere.
 */
class AnnouncedFetchFailuresTest {
    private static final String MAIN = "refs/heads/main";
    private static final String TOKEN = "t0ken-announced-7f3a91";

    @TempDir
    Path tmp;
    private AnnouncedHost host;

    @BeforeEach
    void serve() throws IOException {
        GitHttpServer host401 = GitHttpServer.start(tmp.resolve("served"));
        host401.requireBasicAuth("vortex", TOKEN);
        host = new AnnouncedHost(tmp, host401, "vortex:" + TOKEN + "@");
    }

    @AfterEach
    void close() {
        host.close();
        assertFalse(host.logs.text().contains(TOKEN), host.logs.text());
    }

    /** A mirror that fetched the origin's first commit, with {@code timeout} as its fetch timeout. */
    private Mirror fetchedMirror(Duration timeout) throws IOException {
        Mirror m = host.mirror(Optional.empty(), RemoteAccess.NONE, timeout);
        m.fetch(host.url);
        return m;
    }


    private List<String> fallbacks() {
        return host.logs.matching("announced fetch not used, fetching as usual");
    }

    @Test
    void postThatNeverAnswersOrStopsHalfWay_timesOutAtTheFetchTimeout_andTheUsualFetchBringsTheTip() throws IOException {
        Mirror m = fetchedMirror(Duration.ofSeconds(1));
        for (GitHttpServer.Mode silence : List.of(GitHttpServer.Mode.HANG, GitHttpServer.Mode.STALL)) {
            String c = host.origin.write("application.yml", "greeting: " + silence + "\n").commit(silence.name());
            host.origin.push();
            host.server.answerNextPostContaining("agent=vortexd", silence);
            int from = host.server.requests();
            long start = System.nanoTime();

            Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c));

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(1, fetched.newCommits(), silence.name());
            assertEquals(ObjectId.fromString(c), m.refs(host.url).branches().get("main"), silence.name());
            assertEquals(1, AnnouncedHost.announcedPosts(host.since(from)), silence.name());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, silence + ": bounded by the 1 s timeout, not the host: " + took);
            assertTrue(fallbacks().getLast().contains("upload-pack POST: SocketTimeoutException"), fallbacks().getLast());
            assertEquals(List.of(), leftovers(m), silence + ": no partial pack left behind");
        }
        assertEquals(2, fallbacks().size(), host.logs.text());
        assertEquals(1, host.server.stalled(), "the second POST got half its pack");
        assertFalse(threadDump().contains("announced-fetch-refs"), "the attempts' advertisement threads ended with them");
    }

    @Test
    void corruptOrTruncatedPack_isRejected_storesNothing_andMovesNothing() throws IOException {
        Mirror m = fetchedMirror(Duration.ofSeconds(20));
        ObjectId c1 = m.refs(host.url).branches().get("main");
        for (GitHttpServer.Mode damage : List.of(GitHttpServer.Mode.CORRUPT_PACK, GitHttpServer.Mode.TRUNCATED_PACK)) {
            String c = host.origin.write("application.yml", "greeting: " + damage + "\n").commit(damage.name());
            host.origin.push();
            host.server.answerNextPostContaining("agent=vortexd", damage);
            int from = host.server.requests();

            Optional<AnnouncedFetch.Done> done = attempt(m, Map.of(MAIN, ObjectId.fromString(c)));

            assertEquals(Optional.empty(), done, damage.name());
            String rejected = damage == GitHttpServer.Mode.CORRUPT_PACK ? "CorruptObjectException" : "Packfile is truncated";
            assertTrue(fallbacks().getLast().contains("upload-pack POST") && fallbacks().getLast().contains(rejected), host.logs.text());
            assertEquals(1, AnnouncedHost.announcedPosts(host.since(from)), damage.name());
            assertEquals(c1, m.refs(host.url).branches().get("main"), damage + ": nothing moved");
            assertFalse(m.repository().getObjectDatabase().has(ObjectId.fromString(c)), damage + ": nothing of the pack stored");
            assertEquals(List.of(), leftovers(m), damage + ": no partial pack left behind");
            host.server.answerNextPostContaining("agent=vortexd", damage);

            assertEquals(1, m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c)).newCommits(), damage.name());

            assertEquals(ObjectId.fromString(c), m.refs(host.url).branches().get("main"), damage.name());
            c1 = ObjectId.fromString(c);
        }
        assertEquals(4, fallbacks().size(), "each damage: the attempt and the one inside fetchRefs: " + host.logs.text());
        git(m.directory(), "fsck", "--full", "--strict"); // every object in the mirror whole
    }

    @Test
    void errorOnSideBand3_fallsBack_withTheHostsMessageOnlyInTheDebugReason() throws IOException {
        Mirror m = fetchedMirror(Duration.ofSeconds(20));
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        host.origin.push();
        host.server.answerNextPostContaining("agent=vortexd", GitHttpServer.Mode.BAND_ERROR);

        Fetched fetched = m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c2));

        assertEquals(1, fetched.newCommits());
        assertEquals(ObjectId.fromString(c2), m.refs(host.url).branches().get("main"));
        List<String> mentions = host.logs.matching(GitHttpServer.BAND_ERROR_MESSAGE);
        assertEquals(1, mentions.size(), host.logs.text());
        assertTrue(mentions.getFirst().contains("level=debug") && mentions.getFirst().contains("answered error"), mentions.getFirst());
    }

    @Test
    void errorOnSideBand3_andAFailingUsualFetch_failWithTheUsualFetchsError_withoutTheToken() throws IOException {
        Mirror m = fetchedMirror(Duration.ofSeconds(20));
        ObjectId c1 = m.refs(host.url).branches().get("main");
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        host.origin.push();
        host.server.answerNextPostContaining("agent=vortexd", GitHttpServer.Mode.BAND_ERROR);
        host.server.mode(GitHttpServer.Mode.FAIL);

        IOException e = assertThrows(IOException.class, () -> m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c2)));

        assertTrue(e.getMessage().contains("503"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertEquals(c1, m.refs(host.url).branches().get("main"));
        assertEquals(1, host.logs.matching("fetching as usual", GitHttpServer.BAND_ERROR_MESSAGE).size(), host.logs.text());
    }

    /** The announced fetch alone, as {@link Mirror#fetchRefs} would run it, without the usual fetch after it. */
    private Optional<AnnouncedFetch.Done> attempt(Mirror m, Map<String, ObjectId> announced) {
        return AnnouncedFetch.fetch(m.config(), m.repository(), Mirror.NAMESPACE + Mirror.remoteId(host.url) + "/", host.url, announced, 20);
    }

    /** Files a pack parser writes while it receives (tmp_pack_*, incoming_*) still in the mirror. */
    private static List<String> leftovers(Mirror m) throws IOException {
        try (Stream<Path> files = Files.walk(m.directory().resolve("objects"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("tmp_") || n.startsWith("incoming_")).toList();
        }
    }

    /** {@code git args} in {@code dir}; fails unless it exits 0. */
    private static void git(Path dir, String... args) throws IOException {
        List<String> command = Stream.concat(Stream.of("git", "-C", dir.toString()), Stream.of(args)).toList();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertEquals(0, p.waitFor(), String.join(" ", args) + ": " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String threadDump() throws IOException {
        Path dump = tmp.resolve("threads.txt");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(dump.toString(),
                HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
        return Files.readString(dump);
    }
}
