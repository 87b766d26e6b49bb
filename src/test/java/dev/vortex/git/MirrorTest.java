package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.OneMirror;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MirrorTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final OneMirror mirrors = new OneMirror();

    private Mirror open(String... urls) throws IOException {
        return mirrors.open(tmp.resolve("mirrors"), urls);
    }

    @Test
    void fetch_storesBranchesAndTagsInTheUrlsNamespace() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        origin.git("tag", "-a", "v1", "-m", "release one");
        String c2 = origin.write("a.yml", "a: 2").commit("two");
        Mirror m = open(origin.url());

        assertEquals(2, m.fetch(origin.url()).newCommits());

        RemoteRefs refs = m.refs(origin.url());
        assertEquals(ObjectId.fromString(c2), refs.branches().get("main"));
        assertEquals(ObjectId.fromString(c1), refs.tags().get("v1"), "annotated tag peeled to its commit");
        String ns = "refs/vortex/" + Mirror.remoteId(origin.url()) + "/heads/main";
        assertEquals(ObjectId.fromString(c2), m.repository().exactRef(ns).getObjectId());
    }

    @Test
    void fetch_remembersTheRemotesHead_followsItsMoves_forgetsItWhenGone() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 1").commit("one");
        origin.git("branch", "trunk");
        Mirror m = open(origin.url());
        assertEquals(Optional.empty(), m.head(origin.url()), "never fetched");

        m.fetch(origin.url());
        assertEquals(Optional.of("main"), m.head(origin.url()));
        origin.checkout("trunk");
        m.fetch(origin.url());
        assertEquals(Optional.of("trunk"), m.head(origin.url()));
        assertEquals(Set.of("main", "trunk"), m.refs(origin.url()).branches().keySet(), "HEAD is no label");

        origin.git("checkout", "-q", "--detach");
        assertEquals(Optional.empty(), m.fetch(origin.url()).head(), "what the fetch hands over");
        assertEquals(Optional.empty(), m.head(origin.url()), "a detached HEAD names no branch");
    }

    @Test
    void label_readsWhatTheLabelsName_aBranchWinningOverATag() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        origin.git("tag", "-a", "v1", "-m", "release one");
        origin.git("tag", "both");
        String c2 = origin.write("a.yml", "a: 2").commit("two");
        origin.git("branch", "both");
        Mirror m = open(origin.url());
        assertEquals(Optional.empty(), m.label(origin.url(), "main"), "never fetched");
        m.fetch(origin.url());

        for (String label : List.of("main", "v1", "both", "nothing", "../main", "")) {
            assertEquals(Optional.ofNullable(m.refs(origin.url()).labels().get(label)), m.label(origin.url(), label), label);
        }
        assertEquals(Optional.of(ObjectId.fromString(c1)), m.label(origin.url(), "v1"), "annotated tag peeled");
        assertEquals(Optional.of(ObjectId.fromString(c2)), m.label(origin.url(), "both"), "the branch, not the tag at " + c1);
    }

    @Test
    void fetch_countsCommitsNoRefReachedBefore_andHandsOverTheRefsItLeft() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        origin.write("a.yml", "a: 2").commit("two");
        Mirror m = open(origin.url());
        m.fetch(origin.url());

        origin.git("branch", "copy");
        assertEquals(0, m.fetch(origin.url()).newCommits(), "a new branch at a commit already here");
        origin.git("tag", "-a", "v2", "-m", "release two");
        assertEquals(0, m.fetch(origin.url()).newCommits(), "an annotated tag of a commit already here");

        origin.git("reset", "-q", "--hard", c1);
        origin.write("a.yml", "a: 3").commit("three");
        origin.git("branch", "-D", "copy");
        Fetched forced = m.fetch(origin.url());
        assertEquals(1, forced.newCommits(), "a force-push: only the commit beside the old tip");
        assertEquals(m.refs(origin.url()), forced.refs());
        assertEquals(m.head(origin.url()), forced.head());
        assertEquals(Optional.of("main"), forced.head());

        origin.git("tag", "-d", "v2");
        assertEquals(0, m.fetch(origin.url()).newCommits(), "only a deletion");
        assertEquals(Set.of(), m.refs(origin.url()).tags().keySet());
    }

    @Test
    void fetchRefs_movesOnlyThoseRefs_andRefusesOthers() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        origin.branch("dev").checkout("main");
        Mirror m = open(origin.url());
        m.fetch(origin.url());
        String c2 = origin.write("a.yml", "a: 2").commit("two");
        origin.checkout("dev");
        String d2 = origin.write("a.yml", "a: dev").commit("dev two");

        assertEquals(1, m.fetchRefs(origin.url(), java.util.Set.of("refs/heads/main"), java.util.Map.of()).newCommits());

        assertEquals(ObjectId.fromString(c2), m.refs(origin.url()).branches().get("main"));
        assertEquals(ObjectId.fromString(c1), m.refs(origin.url()).branches().get("dev"), "not named: left as it was");
        assertFalse(m.hasCommit(ObjectId.fromString(d2)));
        assertThrows(IllegalArgumentException.class, () -> m.fetchRefs(origin.url(), java.util.Set.of("refs/pull/1/head"), java.util.Map.of()));
        assertThrows(IOException.class, () -> m.fetchRefs(origin.url(), java.util.Set.of("refs/heads/never-pushed"), java.util.Map.of()),
                "a ref the remote does not have fails the fetch; the run then fetches every ref");
    }

    @Test
    void secondFetch_withoutChange_countsNoNewCommits() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 1").commit("one");
        Mirror m = open(origin.url());
        m.fetch(origin.url());

        assertEquals(0, m.fetch(origin.url()).newCommits());
        origin.write("a.yml", "a: 2").commit("two");
        assertEquals(1, m.fetch(origin.url()).newCommits());
    }

    @Test
    void branchDeletedOnRemote_isRemovedFromNamespace() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 1").commit("one");
        origin.branch("feature").write("b.yml", "b: 1").commit("feature");
        origin.checkout("main");
        Mirror m = open(origin.url());
        m.fetch(origin.url());
        assertTrue(m.refs(origin.url()).branches().containsKey("feature"));

        origin.git("branch", "-D", "feature");
        m.fetch(origin.url());

        assertFalse(m.refs(origin.url()).branches().containsKey("feature"));
    }

    @Test
    void forcePush_isFollowedByTheNamespace() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        String c2 = origin.write("a.yml", "a: 2").commit("two");
        Mirror m = open(origin.url());
        m.fetch(origin.url());

        origin.git("reset", "-q", "--hard", c1);
        String c3 = origin.write("a.yml", "a: 3").commit("three");
        m.fetch(origin.url());

        assertEquals(ObjectId.fromString(c3), m.refs(origin.url()).branches().get("main"));
        assertFalse(m.isAncestor(ObjectId.fromString(c2), ObjectId.fromString(c3)));
        assertTrue(m.isAncestor(ObjectId.fromString(c1), ObjectId.fromString(c3)));
        assertTrue(m.isAncestor(ObjectId.fromString(c3), ObjectId.fromString(c3)));
    }

    @Test
    void resolve_branchTagAndCommitId() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        origin.tag("v1");
        origin.branch("release/1.0");
        String c2 = origin.write("a.yml", "a: 2").commit("two");
        Mirror m = open(origin.url());
        m.fetch(origin.url());

        assertEquals(Optional.of(ObjectId.fromString(c1)), m.resolve("main"));
        assertEquals(Optional.of(ObjectId.fromString(c2)), m.resolve("release/1.0"));
        assertEquals(Optional.of(ObjectId.fromString(c1)), m.resolve("v1"));
        assertEquals(Optional.of(ObjectId.fromString(c2)), m.resolve(c2));
        assertEquals(Optional.empty(), m.resolve("nope"));
        assertEquals(Optional.empty(), m.resolve("0123456789012345678901234567890123456789"));
        assertEquals(List.of("main", "release/1.0"), List.copyOf(m.branches()));
        assertEquals(List.of("v1"), List.copyOf(m.tags()));
    }

    @Test
    void resolve_treeIdIsNotACommit() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 1").commit("one");
        Mirror m = open(origin.url());
        m.fetch(origin.url());
        String tree = origin.rev("HEAD^{tree}");

        assertEquals(Optional.empty(), m.resolve(tree));
    }

    @Test
    void primaryNeverFetched_resolvesFromMirrorNamespace() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        Mirror m = open("https://unreachable.invalid/cfg.git", origin.url());
        m.fetch(origin.url());

        assertEquals(Optional.of(ObjectId.fromString(c1)), m.resolve("main"));
    }

    @Test
    void primaryFetched_mirrorOnlyLabelIsNotResolved() throws IOException {
        TestRepo primary = TestRepo.init(tmp.resolve("primary"));
        primary.write("a.yml", "a: 1").commit("one");
        TestRepo other = TestRepo.init(tmp.resolve("other"));
        other.write("a.yml", "a: 1").commit("one");
        other.branch("only-here").commit("x");
        Mirror m = open(primary.url(), other.url());
        m.fetch(primary.url());
        m.fetch(other.url());

        assertEquals(Optional.empty(), m.resolve("only-here"));
    }

    @Test
    void unreachableUrl_failsWithoutCredentialsInMessage() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 1").commit("one");
        String url = "http://alice:s3cret-token@127.0.0.1:1/cfg.git";
        Mirror m = open(url);

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertFalse(e.getMessage().contains("s3cret-token"), e.getMessage());
        assertFalse(e.getMessage().contains("alice"), e.getMessage());
    }

    @Test
    void remoteId_ignoresUserInfoAndIsStable() {
        assertEquals(Mirror.remoteId("https://host/x.git"), Mirror.remoteId("https://u:t@host/x.git"));
        assertEquals(12, Mirror.remoteId("https://host/x.git").length());
        assertFalse(Mirror.remoteId("https://host/x.git").equals(Mirror.remoteId("https://host/y.git")));
    }

    @Test
    void describe_removesUserInfoEverywhere() {
        String url = "https://bob:tok123@git.example.com/x.git";
        String m = FetchErrors.describe(new IOException("https://bob:tok123@git.example.com/x.git: not authorized (tok123)"), url);

        assertEquals("https://git.example.com/x.git: not authorized (***)", m);
    }
}
