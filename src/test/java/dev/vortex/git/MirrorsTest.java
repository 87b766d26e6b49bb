package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.testing.FakeClock;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorsTest {
    @TempDir
    Path tmp;

    private Mirrors open(RepoConfig repo) throws IOException {
        return Mirrors.open(tmp.resolve("mirrors"), List.of(repo), Duration.ofSeconds(5), new FakeClock());
    }

    private static RepoConfig repo(String url) {
        return new RepoConfig("cfg", List.of(url), List.of("*"), "main", List.of(), List.of(), Optional.empty());
    }

    @Test
    void missingMirror_isCreatedBare() throws IOException {
        try (Mirrors m = open(repo("https://h.invalid/x.git"))) {
            assertTrue(m.mirror("cfg").repository().isBare());
            assertTrue(Files.isDirectory(tmp.resolve("mirrors/cfg.git/objects")));
        }
    }

    @Test
    void mirror_runsJGitsAutomaticGcInsideTheFetch() throws IOException {
        try (Mirrors m = open(repo("https://h.invalid/x.git"))) {
            assertFalse(m.mirror("cfg").repository().getConfig().getBoolean("gc", "autoDetach", true));
        }
    }

    @Test
    void staleLockFiles_areRemovedAndFetchWorks() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 1").commit("one");
        RepoConfig cfg = repo(origin.url());
        try (Mirrors m = open(cfg)) {
            m.mirror("cfg").fetch(origin.url());
        }
        Path mirror = tmp.resolve("mirrors/cfg.git");
        String ns = "refs/vortex/" + Mirror.remoteId(origin.url()) + "/heads/";
        Files.writeString(mirror.resolve("packed-refs.lock"), "");
        Files.writeString(mirror.resolve(ns + "main.lock"), "");
        String c2 = origin.write("a.yml", "a: 2").commit("two");

        try (Mirrors m = open(cfg)) {
            try (Stream<Path> files = Files.walk(mirror)) {
                assertFalse(files.anyMatch(p -> p.toString().endsWith(".lock")));
            }
            m.mirror("cfg").fetch(origin.url());
            assertEquals(ObjectId.fromString(c2), m.mirror("cfg").refs(origin.url()).branches().get("main"));
        }
    }

    @Test
    void unopenableMirror_isMovedAsideAndRecreated() throws IOException {
        Path mirror = tmp.resolve("mirrors/cfg.git");
        Files.createDirectories(mirror);
        Files.writeString(mirror.resolve("HEAD"), "garbage");
        Files.writeString(mirror.resolve("config"), "[core\n bare = ???");

        try (Mirrors m = open(repo("https://h.invalid/x.git"))) {
            assertTrue(m.mirror("cfg").repository().getObjectDatabase().exists());
        }

        assertTrue(Files.isDirectory(tmp.resolve("mirrors/cfg.git.broken-20261123T100000Z")));
        assertEquals("garbage", Files.readString(tmp.resolve("mirrors/cfg.git.broken-20261123T100000Z/HEAD")));
    }

    @Test
    void unknownRepository_isRefusedNamingTheConfiguredOnes() throws IOException {
        try (Mirrors m = open(repo("https://h.invalid/x.git"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.mirror("other"));
            assertTrue(e.getMessage().contains("cfg"));
        }
    }
}
