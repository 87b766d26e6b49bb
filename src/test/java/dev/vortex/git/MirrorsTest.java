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
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
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
    void mirror_turnsJGitsGcInsideEveryFetchOff() throws IOException {
        try (Mirrors m = open(repo("https://h.invalid/x.git"))) {
            var config = m.mirror("cfg").repository().getConfig();
            assertEquals(0, config.getInt("gc", "auto", -1));
            assertEquals(0, config.getInt("gc", "autoPackLimit", -1));
            assertEquals("now", config.getString("gc", null, "prunePackExpire"));
        }
    }

    // a push's fetch ends when its refs are updated: the repack waits for gcIfDue, after the publish
    @Test
    void fetchesNeverRepack_gcIfDueRepacksPastTheLimit_andDeletesTheReplacedPacks() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 0").commit("zero");
        try (Mirrors m = open(repo(origin.url()))) {
            Mirror mirror = m.mirror("cfg");
            Path dir = tmp.resolve("mirrors/cfg.git");
            for (int i = 1; i <= 3; i++) {
                origin.write("a.yml", "a: " + i).commit("commit " + i);
                origin.git("repack", "-d", "-q"); // packed there, so copied into a pack here (loose ones are copied loose)
                mirror.fetch(origin.url());
            }
            assertEquals(3, packs(dir), "one pack per fetch, none repacked by a fetch");
            assertFalse(mirror.gcIfDue(3, MirrorGc.LOOSE_LIMIT), "3 packs: not past a limit of 3");
            assertEquals(3, packs(dir));

            origin.write("a.yml", "a: 4").commit("commit 4");
            origin.git("repack", "-d", "-q");
            mirror.fetch(origin.url());
            assertEquals(4, packs(dir));
            assertTrue(mirror.gcIfDue(3, MirrorGc.LOOSE_LIMIT), "4 packs: past the limit");
            assertEquals(1, packs(dir), "the replaced packs are deleted at once");
            assertFalse(mirror.gcIfDue(3, MirrorGc.LOOSE_LIMIT));
            assertEquals(ObjectId.fromString(origin.head()), mirror.refs(origin.url()).branches().get("main"));
            assertTrue(mirror.hasCommit(ObjectId.fromString(origin.rev("HEAD~4"))));
        }
    }

    @Test
    void gcIfDue_countsLooseObjectsAsGitDoes() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("a.yml", "a: 0").commit("zero");
        try (Mirrors m = open(repo(origin.url()))) {
            Mirror mirror = m.mirror("cfg");
            mirror.fetch(origin.url());
            Path sample = tmp.resolve("mirrors/cfg.git/objects/17");
            Files.createDirectories(sample);
            assertFalse(mirror.gcIfDue(MirrorGc.PACK_LIMIT, 256), "no loose object");
            // one file in objects/17 stands for about 256 loose objects across the 256 directories
            Files.write(sample.resolve("0".repeat(38)), new byte[] {1});
            Files.write(sample.resolve("1".repeat(38)), new byte[] {1});
            assertTrue(mirror.gcIfDue(MirrorGc.PACK_LIMIT, 256));
        }
    }

    private static long packs(Path mirror) throws IOException {
        try (Stream<Path> files = Files.list(mirror.resolve("objects/pack"))) {
            return files.filter(p -> p.toString().endsWith(".pack")).count();
        }
    }

    // the set-up on its own thread only warms JGit's caches: a git config it cannot read is left to
    // the first mirror's open, which reads the same file and reports it where a start can fail
    @Test
    void jgitSetUp_withAUserConfigJGitCannotRead_throwsNothing() throws Exception {
        Path broken = tmp.resolve("gitconfig");
        Files.writeString(broken, "[core\n bare = ???");
        SystemReader real = SystemReader.getInstance();
        SystemReader.setInstance(new SystemReader.Delegate(real) {
            @Override
            public FileBasedConfig openUserConfig(Config parent, FS fs) {
                return new FileBasedConfig(parent, broken.toFile(), fs);
            }
        });
        try {
            assertThrows(ConfigInvalidException.class, () -> SystemReader.getInstance().getUserConfig());
            Mirrors.setUpJGit();
            Mirrors.awaitPrepared();
        } finally {
            SystemReader.setInstance(real);
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
