package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.testing.MonoRepo;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which applications a commit can change, read from the files it changed without parsing any. */
class ChangedFilesTest {
    @TempDir
    Path dir;
    MonoRepo mono;
    RepoCommits commits;
    Renderer renderer = new Renderer(new Metrics(), 8 << 20, 1 << 20);
    RepoConfig config = RepoCommits.repo("mono", "https://git.example.com/mono.git");

    @BeforeEach
    void init() {
        mono = MonoRepo.generate(dir.resolve("mono"), 20);
        commits = new RepoCommits(mono.repo().dir());
    }

    @AfterEach
    void close() {
        commits.close();
    }

    private Optional<Set<String>> touched(String from, String to) {
        return renderer.touched(config, commits.at(from), commits.at(to));
    }

    @Test
    void oneApplicationsFile_touchesThatApplicationOnly_andParsesNothing() {
        String c1 = mono.repo().head();
        long parsed = renderer.parseCache().parses();
        String c2 = mono.changeApp(7, 1);

        assertEquals(Optional.of(Set.of("app7", "app7-prod")), touched(c1, c2), "app7-prod.yml: app7's prod file, or an app of that name");
        assertEquals(parsed, renderer.parseCache().parses());
    }

    @Test
    void applicationYml_touchesEveryApplication() {
        String c1 = mono.repo().head();
        String c2 = mono.changeShared("debug");

        assertEquals(Optional.empty(), touched(c1, c2));
    }

    @Test
    void plainFilesAndUnchangedCommits_touchNothing_newAndDeletedFilesTouchTheirApplications() {
        String c1 = mono.repo().head();
        String c2 = mono.repo().write("README.md", "hello\n").commit("docs");
        assertEquals(Optional.of(Set.of()), touched(c1, c2));

        String c3 = mono.repo().write("newapp.yml", "a: 1\n").commit("new app");
        mono.repo().delete("app3.yml");
        String c4 = mono.repo().commit("app3 gone");
        assertEquals(Optional.of(Set.of("newapp")), touched(c2, c3));
        assertEquals(Optional.of(Set.of("app3")), touched(c3, c4));
    }

    @Test
    void searchPathDirectoryOfAnApplication_touchesThatApplication() {
        RepoConfig withDirs = RepoCommits.repo("mono", "https://git.example.com/mono.git", "{application}");
        String c1 = mono.repo().write("app4/application.yml", "x: 1\n").commit("app4 dir");
        String c2 = mono.repo().write("app4/application.yml", "x: 2\n").commit("app4 dir changed");

        Optional<Set<String>> touched = renderer.touched(withDirs, commits.at(c1), commits.at(c2));
        assertTrue(touched.isPresent());
        assertEquals(Set.of("app4"), touched.get());
    }
}
