package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vortex.git.Mirror;
import dev.vortex.testing.OneMirror;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MirrorFetcherTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final OneMirror mirrors = new OneMirror();

    private Mirror open(String url) throws IOException {
        return mirrors.open(tmp.resolve("mirrors"), url);
    }

    @Test
    void whatAFetchHandsOver_isWhatAFreshReadOfTheMirrorSays() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        origin.git("tag", "-a", "v1", "-m", "release one");
        origin.branch("trunk").checkout("trunk");
        Mirror mirror = open(origin.url());
        MirrorFetcher f = new MirrorFetcher(mirror);
        assertEquals(Optional.empty(), f.label(origin.url(), "main"), "never fetched");

        assertEquals(1, f.fetch(origin.url()));

        MirrorFetcher fresh = new MirrorFetcher(mirror);
        assertEquals(Map.of("main", c1, "trunk", c1, "v1", c1), f.labels(origin.url()));
        assertEquals(fresh.labels(origin.url()), f.labels(origin.url()));
        assertEquals(Optional.of("trunk"), f.head(origin.url()));
        assertEquals(fresh.head(origin.url()), f.head(origin.url()));
        assertEquals(Optional.of(c1), f.label(origin.url(), "v1"));
        assertEquals(fresh.label(origin.url(), "v1"), f.label(origin.url(), "v1"));

        String c2 = origin.write("a.yml", "a: 2").commit("two");
        assertEquals(1, f.fetchRefs(origin.url(), Set.of("refs/heads/trunk"), Map.of("refs/heads/trunk", c2)));
        assertEquals(Optional.of(c2), f.label(origin.url(), "trunk"), "what the last fetch left, not the first");
        assertEquals(new MirrorFetcher(mirror).labels(origin.url()), f.labels(origin.url()));
    }

    @Test
    void aFailedFetch_dropsWhatTheFetcherKnew_andReadsTheMirrorAgain() throws IOException {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("a.yml", "a: 1").commit("one");
        Mirror mirror = open(origin.url());
        MirrorFetcher f = new MirrorFetcher(mirror);
        f.fetch(origin.url());

        assertThrows(IOException.class, () -> f.fetchRefs(origin.url(), Set.of("refs/heads/never-pushed"), Map.of()));

        assertEquals(Map.of("main", c1), f.labels(origin.url()), "the namespace as the failed fetch left it");
        assertEquals(Optional.of("main"), f.head(origin.url()));
    }
}
