package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.TestRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.DeflaterOutputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local repository's new commits copied object by object: what a fetch would leave, or nothing and a fetch does it. */
class LocalCopyTest {
    private static final String NS = "refs/vortex/x/";
    private static final List<RefSpec> ALL = List.of(new RefSpec("+refs/heads/*:" + NS + "heads/*"), new RefSpec("+refs/tags/*:" + NS + "tags/*"));

    @TempDir
    Path dir;
    TestRepo remote;
    Repository mirror;

    @BeforeEach
    void init() throws Exception {
        remote = TestRepo.init(dir.resolve("remote"));
        remote.write("application.yml", "a: 1\n").write("conf/deep/app.yml", "b: 1\n").write("conf/other.yml", "c: 1\n").commit("one");
        mirror = Git.init().setBare(true).setDirectory(dir.resolve("mirror.git").toFile()).call().getRepository();
        LocalFetch.fetch(mirror, remote.url(), gitDir(), ALL, true, 30); // the first fetch is a fetch
    }

    @AfterEach
    void close() {
        mirror.close();
    }

    private java.io.File gitDir() {
        return LocalFetch.gitDir(remote.url()).orElseThrow();
    }

    private Optional<LocalCopy.Copied> copy() throws IOException {
        return LocalCopy.fetch(mirror, gitDir(), ALL, true);
    }

    private ObjectId ref(String name) throws IOException {
        Ref r = mirror.exactRef(NS + name);
        return r == null ? null : r.getObjectId();
    }

    /** Every object the commit reaches is in the mirror (the walk throws on the first missing one). */
    private void assertWhole(String commit) throws IOException {
        try (ObjectWalk walk = new ObjectWalk(mirror)) {
            walk.markStart(walk.parseCommit(ObjectId.fromString(commit)));
            walk.checkConnectivity();
        }
    }

    @Test
    void aNewCommit_isCopied_onlyWhatChanged_andTheRefMoves() throws Exception {
        String before = remote.head();
        String next = remote.write("conf/deep/app.yml", "b: 2\n").write("conf/new.yml", "d: 1\n").commit("two");

        LocalCopy.Copied copied = copy().orElseThrow();

        assertEquals(List.of(new NewCommits.Move(NS + "heads/main", ObjectId.fromString(before), ObjectId.fromString(next))), copied.moves());
        assertEquals(ObjectId.fromString(next), ref("heads/main"));
        assertWhole(next);
        assertEquals(Constants.R_HEADS + "main", copied.head().getTarget().getName());
        assertEquals(Optional.of(new LocalCopy.Copied(List.of(), copied.head())).map(LocalCopy.Copied::moves), copy().map(LocalCopy.Copied::moves),
                "nothing new: nothing moves");
    }

    @Test
    void severalCommits_aMerge_aNewBranch_andATag_areCopiedWhole() throws Exception {
        remote.branch("feature").write("conf/feature.yml", "f: 1\n").commit("on feature");
        remote.checkout("main").write("application.yml", "a: 2\n").commit("on main");
        remote.git("merge", "-q", "--no-edit", "feature");
        String merged = remote.head();
        remote.git("tag", "-a", "-m", "release", "v1");
        remote.branch("same"); // a branch at a commit that is copied anyway

        LocalCopy.Copied copied = copy().orElseThrow();

        assertEquals(4, copied.moves().size(), copied.moves().toString());
        assertWhole(merged);
        assertEquals(ObjectId.fromString(merged), ref("heads/same"));
        assertEquals(ObjectId.fromString(remote.rev("feature")), ref("heads/feature"));
        assertEquals(ObjectId.fromString(remote.rev("refs/tags/v1")), ref("tags/v1"), "the tag object itself");
        assertEquals(Constants.OBJ_TAG, mirror.open(ref("tags/v1")).getType());
    }

    @Test
    void aDeletedBranch_isPruned_onlyWhenAsked() throws Exception {
        remote.branch("gone").write("g.yml", "g: 1\n").commit("gone");
        copy().orElseThrow();
        remote.checkout("main").git("branch", "-q", "-D", "gone");

        List<RefSpec> one = List.of(new RefSpec("+refs/heads/main:" + NS + "heads/main"));
        LocalCopy.fetch(mirror, gitDir(), one, false).orElseThrow();
        assertTrue(ref("heads/gone") != null, "a fetch of one ref leaves the others");

        LocalCopy.Copied copied = copy().orElseThrow();
        assertNull(ref("heads/gone"));
        assertEquals(ObjectId.zeroId(), copied.moves().get(0).newId());
    }

    @Test
    void aForcePush_movesTheRefBack() throws Exception {
        String first = remote.head();
        remote.write("application.yml", "a: 2\n").commit("two");
        copy().orElseThrow();
        remote.git("reset", "-q", "--hard", first);
        String rewritten = remote.write("application.yml", "a: 3\n").commit("two, again");

        copy().orElseThrow();

        assertEquals(ObjectId.fromString(rewritten), ref("heads/main"));
        assertWhole(rewritten);
    }

    @Test
    void leavesToAFetch_aFirstFetch_aShallowRepository_andALargeChange() throws Exception {
        Repository empty = Git.init().setBare(true).setDirectory(dir.resolve("empty.git").toFile()).call().getRepository();
        try (empty) {
            assertEquals(Optional.empty(), LocalCopy.fetch(empty, gitDir(), ALL, true), "nothing to start from");
        }

        for (int i = 0; i <= LocalCopy.MAX_OBJECTS; i++) {
            remote.write("many/f" + i + ".yml", "n: " + i + "\n");
        }
        remote.commit("many");
        ObjectId before = ref("heads/main");
        assertEquals(Optional.empty(), copy(), "more than MAX_OBJECTS: a pack is cheaper");
        assertEquals(before, ref("heads/main"));

        remote.write("application.yml", "a: 9\n").commit("small");
        Files.writeString(dir.resolve("remote/.git/shallow"), remote.rev("HEAD~2") + "\n");
        assertEquals(Optional.empty(), copy(), "a shallow repository");
        assertEquals(before, ref("heads/main"));
    }

    @Test
    void aCommitTheMirrorHoldsUnreferenced_isLeftToAFetch() throws Exception {
        String two = remote.write("application.yml", "a: 2\n").commit("two");
        remote.write("application.yml", "a: 3\n").commit("three");
        try (ObjectInserter in = mirror.newObjectInserter()) { // what a fetch that failed half-way can leave
            in.insert(Constants.OBJ_COMMIT, remote.git("cat-file", "commit", two).getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        assertTrue(mirror.getObjectDatabase().has(ObjectId.fromString(two)));

        assertEquals(Optional.empty(), copy());
    }

    @Test
    void aCorruptObject_failsTheCopy_andMovesNothing() throws Exception {
        ObjectId before = ref("heads/main");
        remote.write("application.yml", "a: 2\n").commit("two");
        String blob = remote.rev("HEAD:application.yml");
        Path loose = dir.resolve("remote/.git/objects/" + blob.substring(0, 2) + "/" + blob.substring(2));
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(other)) {
            z.write("blob 5\0a: 3\n".getBytes(StandardCharsets.US_ASCII));
        }
        loose.toFile().setWritable(true);
        Files.write(loose, other.toByteArray());

        assertEquals(Optional.empty(), LocalCopy.attempt(mirror, gitDir(), ALL, true), "the fetch says what is wrong");
        assertEquals(before, ref("heads/main"));
        assertEquals(false, mirror.getObjectDatabase().has(ObjectId.fromString(blob)));
    }

    @Test
    void looseObjects_areCopiedAsTheSameFiles_packedOnes_intoAPack() throws Exception {
        String two = remote.write("conf/deep/app.yml", "b: 2\n").commit("two");
        String root = remote.rev(two + "^{tree}");

        copy().orElseThrow();

        assertWhole(two);
        assertArrayEquals(Files.readAllBytes(loose(dir.resolve("remote/.git"), root)), Files.readAllBytes(loose(dir.resolve("mirror.git"), root)),
                "the repository's file, not deflated again");

        String three = remote.write("conf/deep/app.yml", "b: 3\n").commit("three");
        remote.git("repack", "-d", "-q");
        copy().orElseThrow();

        assertWhole(three);
        assertFalse(Files.exists(loose(dir.resolve("mirror.git"), remote.rev(three + "^{tree}"))), "packed there: into a pack here");
    }

    @Test
    void aDamagedLooseTree_failsTheCopy_andWritesNothing() throws Exception {
        ObjectId before = ref("heads/main");
        String two = remote.write("conf/other.yml", "c: 2\n").commit("two");
        String tree = remote.rev(two + ":conf");
        Path file = loose(dir.resolve("remote/.git"), tree);
        byte[] good = Files.readAllBytes(file);
        file.toFile().setWritable(true);
        for (byte[] damaged : List.of(
                Arrays.copyOf(good, good.length / 2), // cut off
                deflate("blob 5\0a: 3\n"), // another type
                deflate("tree 1\0x"), // not its content
                deflate("tree 1\0xy"), // more than its header states
                deflate("tree 999999999\0x"))) { // more than any file of its size holds
            Files.write(file, damaged);

            assertEquals(Optional.empty(), LocalCopy.attempt(mirror, gitDir(), ALL, true), "the fetch says what is wrong");
            assertEquals(before, ref("heads/main"));
            assertFalse(mirror.getObjectDatabase().has(ObjectId.fromString(tree)));
            assertFalse(mirror.getObjectDatabase().has(ObjectId.fromString(two)));
        }
    }

    private static Path loose(Path gitDir, String id) {
        return gitDir.resolve("objects/" + id.substring(0, 2) + "/" + id.substring(2));
    }

    private static byte[] deflate(String content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(content.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    // names whose order in git depends on whether they are trees ("a" as a tree sorts as "a/", after "a-b" and "a.b")
    private static final List<String> NAMES = List.of("a", "a-b", "a.b", "a0", "b");

    @Test
    void randomChanges_areCopiedWhole_asAFetchWouldLeaveThem() throws Exception {
        java.util.Random random = new java.util.Random(20261203);
        java.util.Set<String> files = new java.util.TreeSet<>(List.of("application.yml", "conf/deep/app.yml", "conf/other.yml"));
        for (int round = 0; round < 25; round++) {
            for (int change = 1 + random.nextInt(3); change > 0; change--) {
                String path = NAMES.get(random.nextInt(NAMES.size())) + (random.nextBoolean() ? ""
                        : "/" + NAMES.get(random.nextInt(NAMES.size())) + (random.nextBoolean() ? "" : "/" + NAMES.get(random.nextInt(NAMES.size()))));
                if (files.contains(path) && random.nextInt(3) == 0) {
                    remote.delete(path);
                    files.remove(path);
                } else if (files.stream().noneMatch(f -> f.startsWith(path + "/") || path.startsWith(f + "/"))) {
                    remote.write(path, "v: " + random.nextInt(1_000) + "\n"); // a file, not where a directory is or under a file
                    files.add(path);
                }
            }
            if (remote.git("status", "--porcelain").isBlank()) {
                continue;
            }
            String before = remote.head();
            String next = remote.commit("round " + round);

            LocalCopy.Copied copied = copy().orElseThrow();

            assertEquals(List.of(new NewCommits.Move(NS + "heads/main", ObjectId.fromString(before), ObjectId.fromString(next))), copied.moves());
            assertWhole(next);
        }
    }
}
