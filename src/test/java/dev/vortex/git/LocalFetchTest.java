package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.TestRepo;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fetch from a repository on this machine: what JGit's local transport brings, with its failures named. */
class LocalFetchTest {
    private static final List<RefSpec> ALL = List.of(new RefSpec("+refs/heads/*:refs/vortex/x/heads/*"));

    @TempDir
    Path dir;
    TestRepo remote;
    Repository mirror;

    @BeforeEach
    void init() throws Exception {
        remote = TestRepo.init(dir.resolve("remote"));
        remote.write("application.yml", "a: 1\n").commit("one");
        mirror = Git.init().setBare(true).setDirectory(dir.resolve("mirror.git").toFile()).call().getRepository();
    }

    @AfterEach
    void close() {
        mirror.close();
    }

    private File gitDir() {
        return LocalFetch.gitDir(remote.url()).orElseThrow();
    }

    @Test
    void gitDir_ofALocalRepository_onlyForAnAbsolutePathThatIsOne() {
        assertEquals(dir.resolve("remote/.git").toFile(), gitDir());
        assertEquals(Optional.of(dir.resolve("mirror.git").toFile()), LocalFetch.gitDir(dir.resolve("mirror.git").toString()));
        assertEquals(Optional.empty(), LocalFetch.gitDir("https://git.example.com/config.git"));
        assertEquals(Optional.empty(), LocalFetch.gitDir("git@git.example.com:config.git"));
        assertEquals(Optional.empty(), LocalFetch.gitDir("remote"), "relative: left to JGit");
        assertEquals(Optional.empty(), LocalFetch.gitDir(dir.resolve("nothing-here").toUri().toString()), "no repository: JGit says so");
        assertEquals(Optional.empty(), LocalFetch.gitDir("file://%zz"), "not a URL");
    }

    @Test
    void fetch_bringsNewCommits_andPrunesDeletedBranches() throws Exception {
        remote.branch("feature").write("b.yml", "b: 1\n").commit("on feature");
        FetchResult first = LocalFetch.fetch(mirror, remote.url(), gitDir(), ALL, true, 30);
        assertEquals(2, first.getTrackingRefUpdates().size());
        assertEquals(ObjectId.fromString(remote.rev("feature")), mirror.exactRef("refs/vortex/x/heads/feature").getObjectId());

        remote.checkout("main").git("branch", "-q", "-D", "feature");
        String next = remote.write("application.yml", "a: 2\n").commit("two");
        LocalFetch.fetch(mirror, remote.url(), gitDir(), ALL, true, 30);
        assertEquals(ObjectId.fromString(next), mirror.exactRef("refs/vortex/x/heads/main").getObjectId());
        assertEquals(null, mirror.exactRef("refs/vortex/x/heads/feature"));
        assertTrue(mirror.getObjectDatabase().has(ObjectId.fromString(next)));
    }

    @Test
    void fetch_bringsANewCommitsObjectsUncompressed() throws Exception {
        LocalFetch.fetch(mirror, remote.url(), gitDir(), ALL, true, 30);
        String content = "stored: as it is\n".repeat(8); // deflate would shrink it past recognition
        remote.write("application.yml", content).commit("two");
        LocalFetch.fetch(mirror, remote.url(), gitDir(), ALL, true, 30);
        boolean verbatim = false;
        try (var packs = Files.list(dir.resolve("mirror.git/objects/pack"))) {
            for (Path pack : packs.filter(p -> p.toString().endsWith(".pack")).toList()) {
                verbatim |= new String(Files.readAllBytes(pack), StandardCharsets.ISO_8859_1).contains(content);
            }
        }
        assertTrue(verbatim, "the new blob is in a pack as it is");
    }

    @Test
    void fetch_whenTheRepositoryWentAway_saysItIsNotOne() throws Exception {
        File gitDir = gitDir();
        try (var files = Files.walk(dir.resolve("remote"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        TransportException e = assertThrows(TransportException.class, () -> LocalFetch.fetch(mirror, remote.url(), gitDir, ALL, true, 30));
        assertTrue(e.getMessage().contains("not a repository"), e.getMessage());
    }

    @Test
    void fetch_whenTheRepositoryCannotBeRead_failsNamingIt_andStopsItsUploadThread() throws Exception {
        File gitDir = gitDir();
        Files.writeString(gitDir.toPath().resolve("packed-refs"), "not a packed-refs file\n");
        Files.delete(gitDir.toPath().resolve("refs/heads/main"));
        assertThrows(TransportException.class, () -> LocalFetch.fetch(mirror, remote.url(), gitDir, ALL, true, 30));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("vortex-upload-pack")) {
                t.join(10_000);
                assertTrue(!t.isAlive(), "the upload thread ended");
            }
        }
    }

    @Test
    void fetch_ofSomethingThatIsNotAUrl_failsNamingIt() {
        IOException e = assertThrows(IOException.class, () -> LocalFetch.fetch(mirror, "file://%zz", gitDir(), ALL, true, 30));
        assertTrue(e.getMessage().startsWith("not a URL"), e.getMessage());
    }

    @Test
    void aLocalFetch_doesNotPush() throws Exception {
        try (LocalFetch.Local t = new LocalFetch.Local(mirror, new URIish(remote.url()), gitDir())) {
            assertThrows(NotSupportedException.class, t::openPush);
        }
    }
}
