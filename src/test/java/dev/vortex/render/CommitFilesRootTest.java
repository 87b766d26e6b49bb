package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.ops.Metrics;
import dev.vortex.testing.MonoRepo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new commit's root listed from the one before: what a listing of every entry would give, or not listed at all. */
class CommitFilesRootTest {
    @TempDir
    Path dir;
    MonoRepo mono;
    RepoCommits commits;
    Listings listings = new Listings(1 << 20, new Metrics());

    @BeforeEach
    void init() {
        mono = MonoRepo.generate(dir.resolve("mono"), 20);
        mono.repo().write("app9/application.yml", "a: 1\n").commit("a subdirectory");
        commits = new RepoCommits(mono.repo().dir());
    }

    @AfterEach
    void close() {
        commits.close();
    }

    private CommitFiles open(String commit) {
        return new CommitFiles(commits.git(), ObjectId.fromString(commit), listings);
    }

    private ObjectId root(String commit) {
        return ObjectId.fromString(mono.repo().rev(commit + "^{tree}"));
    }

    /** {@code later}'s root listed from {@code earlier}'s (listed first) with their changes; its listing, or null when it was not derived. */
    private CommitFiles.Dir derive(String earlier, String later) {
        try (CommitFiles a = open(earlier); CommitFiles b = open(later)) {
            a.dir("");
            b.listRootFrom(a, b.changesSince(a).orElseThrow());
        }
        return listings.tree(root(later));
    }

    private static CommitFiles.Dir fresh(RepoCommits commits, String commit) {
        try (CommitFiles f = new CommitFiles(commits.git(), ObjectId.fromString(commit), new Listings(1 << 20, new Metrics()))) {
            return f.dir("").orElseThrow();
        }
    }

    private static void assertSameListing(CommitFiles.Dir expected, CommitFiles.Dir actual) {
        assertEquals(new ArrayList<>(expected.entries().entrySet()), new ArrayList<>(actual.entries().entrySet()), "entries, in git's order");
        assertEquals(expected.skipped(), actual.skipped());
        for (String name : expected.entries().keySet()) {
            assertEquals(expected.entries().get(name), actual.entries().get(name), name);
        }
    }

    @Test
    void filesOfTheRootChanged_listedFromTheChanges_asAFullListing() {
        String c1 = mono.repo().head();
        mono.changeApp(3, 1);
        String c2 = mono.changeApp(17, 1);
        CommitFiles.Dir derived = derive(c1, c2);
        assertNotNull(derived);
        assertSameListing(fresh(commits, c2), derived);

        String c3 = mono.changeApp(3, 2); // patched over the patched listing
        assertSameListing(fresh(commits, c3), derive(c2, c3));
    }

    @Test
    void aFileOfASubdirectoryChanged_theRootsCompared_asAFullListing() {
        String c1 = mono.repo().head();
        mono.repo().write("app9/application.yml", "a: 2\n");
        String c2 = mono.changeApp(4, 1);
        assertSameListing(fresh(commits, c2), derive(c1, c2));
    }

    @Test
    void notDerived_whenTheEarlierRootIsNotListed_orTheNewOneIsAlready() {
        String c1 = mono.repo().head();
        String c2 = mono.changeApp(3, 1);
        try (CommitFiles a = open(c1); CommitFiles b = open(c2)) {
            b.listRootFrom(a, b.changesSince(a).orElseThrow());
            assertNull(listings.tree(root(c2)), "nothing to derive from");
            CommitFiles.Dir listed = b.dir("").orElseThrow();
            a.dir("");
            b.listRootFrom(a, b.changesSince(a).orElseThrow());
            assertTrue(listed == listings.tree(root(c2)), "kept as listed");
        }
    }

    @Test
    void notDerived_whenAChangedRootFileWasNotListed() {
        String c1 = mono.repo().head();
        String c2 = mono.changeApp(3, 1);
        try (CommitFiles a = open(c1); CommitFiles b = open(c2)) {
            a.dir("");
            b.listRootFrom(a, List.of(new TreeDiff.Change("absent.yml", ObjectId.zeroId(), ObjectId.zeroId())));
            assertNull(listings.tree(root(c2)), "listed in full when asked for");
            b.listRootFrom(a, List.of(new TreeDiff.Change("app9", ObjectId.zeroId(), ObjectId.zeroId())));
            assertNull(listings.tree(root(c2)), "a directory of that name is not a changed file");
        }
    }

    @Test
    void aSubdirectoryChanged_andARootFileAdded_notDerived() {
        String c1 = mono.repo().head();
        mono.repo().write("app9/application.yml", "a: 3\n").write("new.yml", "n: 1\n");
        String c2 = mono.repo().commit("added a file");
        try (CommitFiles a = open(c1); CommitFiles b = open(c2)) {
            a.dir("");
            b.listRootFrom(a, List.of(new TreeDiff.Change("app9/application.yml", ObjectId.zeroId(), ObjectId.zeroId())));
            assertNull(listings.tree(root(c2)), "listed in full when asked for");
        }
    }
}
