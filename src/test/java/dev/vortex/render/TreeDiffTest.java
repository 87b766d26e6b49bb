package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.git.RecentTrees;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two commits' trees compared byte for byte: the content changes in git's path order, or empty when the shape changed. */
class TreeDiffTest {
    @TempDir
    Path dir;
    TestRepo repo;
    RepoCommits commits;
    String first;

    @BeforeEach
    void init() {
        repo = TestRepo.init(dir.resolve("repo"));
        repo.write("application.yml", "a: 1\n").write("shop.yml", "b: 1\n").write("shop-prod.yml", "c: 1\n")
                .write("zeta.yml", "z: 1\n").write("conf/shop.yml", "d: 1\n").write("conf/deep/x.yml", "e: 1\n");
        first = repo.commit("first");
        commits = new RepoCommits(repo.dir());
    }

    @AfterEach
    void close() {
        commits.close();
    }

    private Optional<List<TreeDiff.Change>> diff(String from, String to) {
        try (ObjectReader reader = commits.git().newObjectReader()) {
            return TreeDiff.contentOnly(reader, tree(from), tree(to));
        }
    }

    private ObjectId tree(String commit) {
        return ObjectId.fromString(repo.rev(commit + "^{tree}"));
    }

    private ObjectId blob(String commit, String path) {
        return ObjectId.fromString(repo.rev(commit + ":" + path));
    }

    /** What a TreeWalk of both trees that skips equal subtrees finds (the walk TreeDiff replaced): the reference. */
    private Optional<List<TreeDiff.Change>> walked(String from, String to) {
        List<TreeDiff.Change> changes = new ArrayList<>();
        try (TreeWalk walk = new TreeWalk(commits.git())) {
            walk.addTree(tree(from));
            walk.addTree(tree(to));
            walk.setRecursive(true);
            walk.setFilter(TreeFilter.ANY_DIFF);
            while (walk.next()) {
                boolean regular = (walk.getRawMode(0) & FileMode.TYPE_MASK) == FileMode.TYPE_FILE
                        && (walk.getRawMode(1) & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
                if (!regular || !walk.getPathString().chars().allMatch(c -> c < 128)) {
                    return Optional.empty();
                }
                changes.add(new TreeDiff.Change(walk.getPathString(), walk.getObjectId(0), walk.getObjectId(1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(changes);
    }

    @Test
    void sameTree_noChanges() {
        String again = repo.commit("empty");
        assertEquals(Optional.of(List.of()), diff(first, again));
    }

    @Test
    void contentChanged_inTheRootAndASubdirectory_inGitsPathOrder() {
        String second = repo.write("zeta.yml", "z: 2\n").write("application.yml", "a: 2\n").write("conf/deep/x.yml", "e: 2\n").commit("values");
        assertEquals(Optional.of(List.of(
                new TreeDiff.Change("application.yml", blob(first, "application.yml"), blob(second, "application.yml")),
                new TreeDiff.Change("conf/deep/x.yml", blob(first, "conf/deep/x.yml"), blob(second, "conf/deep/x.yml")),
                new TreeDiff.Change("zeta.yml", blob(first, "zeta.yml"), blob(second, "zeta.yml")))), diff(first, second));
        assertEquals(walked(first, second), diff(first, second));
    }

    @Test
    void theNextCommitsDiff_readsOnlyItsOwnRoot() throws IOException {
        String second = repo.write("shop.yml", "b: 2\n").commit("second");
        try (ObjectReader reader = commits.git().newObjectReader()) {
            TreeDiff.contentOnly(reader, tree(first), tree(second));
        }
        byte[] held = RecentTrees.root(tree(second), () -> {
            throw new AssertionError("read again");
        });
        try (ObjectReader reader = commits.git().newObjectReader()) {
            assertEquals(java.util.Arrays.toString(reader.open(tree(second)).getBytes()), java.util.Arrays.toString(held));
        }
    }

    @Test
    void fileAddedOrRemoved_anywhere_empty() {
        String added = repo.write("shop-dev.yml", "x: 1\n").commit("added");
        assertEquals(Optional.empty(), diff(first, added));
        assertEquals(Optional.empty(), diff(added, first));
        String last = repo.write("zzz.yml", "x: 1\n").commit("added last");
        assertEquals(Optional.empty(), diff(added, last), "an entry after the last one");
        assertEquals(Optional.empty(), diff(last, added), "the last entry removed");
        String deep = repo.write("conf/deep/y.yml", "x: 1\n").commit("added deep");
        assertEquals(Optional.empty(), diff(last, deep));
    }

    @Test
    void fileBecameADirectory_orASymbolicLink_empty() throws IOException {
        repo.delete("shop.yml");
        repo.write("shop.yml/x.yml", "x: 1\n");
        String directory = repo.commit("a directory");
        assertEquals(Optional.empty(), diff(first, directory));
        Files.delete(repo.dir().resolve("zeta.yml"));
        Files.createSymbolicLink(repo.dir().resolve("zeta.yml"), Path.of("application.yml"));
        String link = repo.commit("a link");
        assertEquals(Optional.empty(), diff(directory, link));
        Files.delete(repo.dir().resolve("zeta.yml"));
        Files.createSymbolicLink(repo.dir().resolve("zeta.yml"), Path.of("shop-prod.yml"));
        String relinked = repo.commit("another target");
        assertEquals(Optional.empty(), diff(link, relinked), "a changed link is not content");
    }

    @Test
    void modeChanged_aChange_evenWithTheSameContent() throws IOException {
        Files.setPosixFilePermissions(repo.dir().resolve("shop.yml"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String executable = repo.commit("executable");
        assertEquals(Optional.of(List.of(new TreeDiff.Change("shop.yml", blob(first, "shop.yml"), blob(first, "shop.yml")))),
                diff(first, executable));
        assertEquals(walked(first, executable), diff(first, executable));
    }

    @Test
    void nonAsciiName_changed_empty_unchanged_ignored() {
        String named = repo.write("caf\u00e9.yml", "x: 1\n").commit("a name");
        String other = repo.write("shop.yml", "b: 2\n").commit("another file");
        assertTrue(diff(named, other).isPresent(), "the name is not what changed");
        String changed = repo.write("caf\u00e9.yml", "x: 2\n").commit("the name's file");
        assertEquals(Optional.empty(), diff(other, changed));
    }

    @Test
    void missingTree_named() {
        try (ObjectReader reader = commits.git().newObjectReader()) {
            ObjectId absent = ObjectId.fromString("0123456789012345678901234567890123456789");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TreeDiff.contentOnly(reader, tree(first), absent));
            assertTrue(e.getMessage().contains(absent.name()), e.getMessage());
        }
    }

    @Test
    void manyRandomCommits_asAWalkOfBothTrees() {
        Random random = new Random(18);
        for (int i = 0; i < 300; i++) {
            repo.write("app" + i + ".yml", "n: " + i + "\n");
        }
        String previous = repo.commit("many");
        for (int round = 0; round < 12; round++) {
            int files = 1 + random.nextInt(6);
            for (int k = 0; k < files; k++) {
                int n = random.nextInt(300);
                repo.write(random.nextInt(4) == 0 ? "conf/app" + n + ".yml" : "app" + n + ".yml", "n: " + round + "\n");
            }
            if (round % 5 == 4) {
                repo.write("new" + round + ".yml", "x: 1\n");
            }
            String next = repo.commit("round " + round);
            assertEquals(walked(previous, next), diff(previous, next), "round " + round);
            previous = next;
        }
    }
}
