package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.testing.MonoRepo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new commit looked at from the one before: the same answers as looking at the whole commit, in time proportional to the change. */
class CommitChangesTest {
    @TempDir
    Path dir;
    MonoRepo mono;
    RepoCommits commits;
    Renderer renderer = new Renderer(new Metrics(), 8 << 20, 1 << 20);
    RepoConfig config = RepoCommits.repo("mono", "https://git.example.com/mono.git", "{application}");

    @BeforeEach
    void init() {
        mono = MonoRepo.generate(dir.resolve("mono"), 30);
        commits = new RepoCommits(mono.repo().dir());
    }

    @AfterEach
    void close() {
        commits.close();
    }

    private List<BrokenFile> fullCheck(String commit) {
        return new Renderer(new Metrics(), 8 << 20, 1 << 20).check(config, commits.git(), commits.at(commit).commit());
    }

    private List<BrokenFile> checkSince(String commit, String earlier, List<BrokenFile> earlierBroken) {
        return renderer.check(config, commits.git(), commits.at(commit).commit(), commits.at(earlier).commit(), earlierBroken);
    }

    @Test
    void contentChanged_checkSinceTheEarlierCommit_findsWhatAFullCheckFinds_parsingOnlyTheChangedFiles() {
        String c1 = mono.repo().write("app3-prod.yml", "a: [1\n").write("app9/application.yml", "b: : :\n  - x\n")
                .write("app20.yml", "c: {\n").commit("three broken files");
        List<BrokenFile> broken1 = fullCheck(c1);
        assertEquals(List.of("app20.yml", "app3-prod.yml", "app9/application.yml"), broken1.stream().map(BrokenFile::path).toList());

        // app3-prod.yml fixed, app12.yml and app1-prod.yml broken, app20.yml broken otherwise, app5.yml changed and fine
        String c2 = mono.repo().write("app3-prod.yml", "a: 1\n").write("app12.yml", "d: [\n").write("app1-prod.yml", "e: {\n")
                .write("app20.yml", "c: [\n").write("app5.yml", "f: 2\n").commit("one fixed, two broken, one broken otherwise");
        renderer.inventory(config, commits.at(c1)); // the daemon's inventory of the served commit (the readers of a broken file come from it)
        long parsed = renderer.parseCache().parses();
        List<BrokenFile> since = checkSince(c2, c1, broken1);

        assertEquals(fullCheck(c2), since);
        assertEquals(List.of("app1-prod.yml", "app12.yml", "app20.yml", "app9/application.yml"), since.stream().map(BrokenFile::path).toList());
        assertEquals(5, renderer.parseCache().parses() - parsed, "the five changed files, nothing else");
    }

    @Test
    void fileAddedOrRemoved_checkSince_looksAtTheWholeCommit() {
        String c1 = mono.repo().head();
        List<BrokenFile> broken1 = fullCheck(c1);
        String c2 = mono.repo().write("newapp.yml", "a: [\n").commit("a new broken file");
        assertEquals(fullCheck(c2), checkSince(c2, c1, broken1));
        assertEquals(List.of("newapp.yml"), checkSince(c2, c1, broken1).stream().map(BrokenFile::path).toList());

        mono.repo().delete("newapp.yml");
        String c3 = mono.repo().commit("gone again");
        assertEquals(List.of(), checkSince(c3, c2, fullCheck(c2)));
    }

    @Test
    void inventory_ofACommitThatChangedOnlyValues_isTheOneBefore_butNotWhenAProfileAppears() {
        String c1 = mono.repo().head();
        Inventory before = renderer.inventory(config, commits.at(c1));
        String c2 = mono.changeShared("debug");
        Inventory after = renderer.inventory(config, commits.at(c2));
        assertSame(before, after);

        String c3 = mono.repo().write("app4.yml", "a: 1\n---\nspring.config.activate.on-profile: qa\na: 2\n").commit("qa");
        Inventory withQa = renderer.inventory(config, commits.at(c3));
        assertNotSame(after, withQa);
        assertTrue(withQa.profiles("app4").contains("qa"));
        assertEquals(new Renderer(new Metrics(), 8 << 20, 1 << 20).inventory(config, commits.at(c3)).profilesByApp(), withQa.profilesByApp());
    }

    @Test
    void sameInventory_whenOnlyValuesChanged_notWhenAFileIsAddedOrAProfileNamed() {
        String c1 = mono.repo().head();
        String c2 = mono.changeApp(3, 1);
        assertTrue(renderer.sameInventory(config, commits.at(c1), commits.at(c2)));
        String c3 = mono.repo().write("app3-qa.yml", "a: 1\n").commit("a new profile file");
        assertFalse(renderer.sameInventory(config, commits.at(c2), commits.at(c3)));
        String c4 = mono.repo().write("app4.yml", "a: 1\n---\nspring.config.activate.on-profile: qa\na: 2\n").commit("qa document");
        assertFalse(renderer.sameInventory(config, commits.at(c3), commits.at(c4)));
    }

    @Test
    void inventory_askedAgainForTheSameCommit_isNotComputedAgain() {
        // a cache too small to keep any inventory, as the inventories cache is for 10,000 applications
        Renderer small = new Renderer(new Metrics(), 1024, 1 << 20);
        String c1 = mono.repo().head();
        Inventory first = small.inventory(config, commits.at(c1));
        assertSame(first, small.inventory(config, commits.at(c1)));
    }

    @Test
    void rootListedFromTheCommitBefore_rendersAsAFreshRenderer() {
        String c1 = mono.repo().head();
        renderer.environment(config, commits.at(c1), "app2", "prod", null); // lists c1's root
        String c2 = mono.changeApp(2, 7);
        renderer.touched(config, commits.at(c1), commits.at(c2)); // lists c2's root from c1's

        Renderer fresh = new Renderer(new Metrics(), 8 << 20, 1 << 20);
        for (String app : List.of("app2", "app3")) {
            assertArrayEquals(fresh.environment(config, commits.at(c2), app, "prod", null).body(),
                    renderer.environment(config, commits.at(c2), app, "prod", null).body());
        }
    }
}
