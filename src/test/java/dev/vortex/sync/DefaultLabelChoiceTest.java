package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vortex.config.RepoConfig;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultLabelChoiceTest {
    private static final String P = "https://primary.example.com/cfg.git";
    private static final String M = "https://mirror.example.org/cfg.git";
    private final FakeFetcher f = new FakeFetcher();
    private final String c1 = f.commit(null);

    private static RepoConfig repo(Optional<String> defaultLabel) {
        return new RepoConfig("cfg", List.of(P, M), List.of("*"), defaultLabel, List.of(), List.of(), Optional.empty());
    }

    private DefaultLabelChoice choose(Optional<String> configured) throws IOException {
        return DefaultLabelChoice.of(repo(configured), List.of(P, M), f);
    }

    @Test
    void nothingFetched_noChoice_noError() throws IOException {
        DefaultLabelChoice c = choose(Optional.empty());
        assertEquals(Optional.empty(), c.label());
        assertEquals(Optional.empty(), c.error());
    }

    @Test
    void remoteHead_winsOverMainAndMaster() throws IOException {
        f.remote(P, "main", c1).remote(P, "master", c1).remote(P, "trunk", c1).remoteHead(P, "trunk").fetch(P);
        assertEquals(new DefaultLabelChoice(Optional.of("trunk"), "remote HEAD", Optional.empty()), choose(Optional.empty()));
    }

    @Test
    void noHead_orHeadOnAMissingBranch_fallsBackToMain_thenMaster() throws IOException {
        f.remote(P, "master", c1).remote(P, "x", c1).remoteHead(P, "gone").fetch(P);
        assertEquals(Optional.of("master"), choose(Optional.empty()).label());
        f.remote(P, "main", c1).remoteHead(P, null).fetch(P);
        assertEquals(Optional.of("main"), choose(Optional.empty()).label());
    }

    @Test
    void primaryNeverFetched_mirrorDecides() throws IOException {
        f.remote(M, "trunk", c1).remoteHead(M, "trunk").fetch(M);
        assertEquals(Optional.of("trunk"), choose(Optional.empty()).label());
    }

    @Test
    void noHead_noMainNorMaster_isAnErrorListingBranches() throws IOException {
        f.remote(P, "dev", c1).remote(P, "release", c1).fetch(P);
        DefaultLabelChoice c = choose(Optional.empty());
        assertEquals(Optional.empty(), c.label());
        assertEquals(Optional.of("no default label for repository 'cfg': the remote names no HEAD branch and has neither 'main'"
                + " nor 'master' (set default-label) at " + P + "; branches there: dev, release"), c.error());
    }

    @Test
    void configuredLabel_foundAtAnyUrl_orAnErrorNamingIt() throws IOException {
        f.remote(P, "main", c1).remoteHead(P, "main").fetch(P);
        assertEquals(Optional.of("main"), choose(Optional.of("main")).label());
        assertEquals(Optional.of("default label 'prod' not found in repository 'cfg' at " + P + "; branches there: main"),
                choose(Optional.of("prod")).error());
        f.remote(M, "prod", c1).fetch(M);
        assertEquals(new DefaultLabelChoice(Optional.of("prod"), "configured", Optional.empty()), choose(Optional.of("prod")));
    }

    @Test
    void moreThanTenBranches_listsTen() throws IOException {
        for (int i = 0; i < 13; i++) {
            f.remote(P, "b" + (char) ('a' + i), c1);
        }
        f.fetch(P);
        assertEquals(Optional.of("default label 'prod' not found in repository 'cfg' at " + P
                + "; branches there: ba, bb, bc, bd, be, bf, bg, bh, bi, bj (and 3 more)"), choose(Optional.of("prod")).error());
    }
}
