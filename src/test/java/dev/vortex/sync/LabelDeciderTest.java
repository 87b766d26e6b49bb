package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.Holdback;
import dev.vortex.state.RepoStatus.Problem;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class LabelDeciderTest {
    static final String P = "https://primary.example.com/cfg.git";
    static final String M = "https://mirror.example.org/cfg.git";
    static final String M2 = "https://mirror2.example.net/cfg.git";
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeFetcher f = new FakeFetcher();
    /** Commits the check fails on (throws with this message): the label keeps its last good commit. */
    private final Map<String, String> refuse = new HashMap<>();
    /** Commits with files that do not parse: the label moves, their readers stay behind. */
    private final Map<String, List<BrokenFile>> broken = new HashMap<>();
    private final List<String> checked = new ArrayList<>();
    private final Metrics metrics = new Metrics();
    private final LabelDecider decider = new LabelDecider((repo, git, commit) -> {
        checked.add(commit.name());
        if (refuse.containsKey(commit.name())) {
            throw new IllegalStateException(refuse.get(commit.name()));
        }
        return broken.getOrDefault(commit.name(), List.of());
    }, metrics);
    private final RepoConfig repo = new RepoConfig("cfg", List.of(P, M, M2), List.of("*"), "main",
            List.of("release/*", "v*"), List.of(), Optional.empty());

    private final String c1 = f.commit(null);
    private final String c2 = f.commit(c1);
    private final String c3 = f.commit(c2);

    private LabelDecider.Decision primary(Map<String, String> served) throws IOException {
        f.fetch(P);
        return decider.followPrimary(repo, served, Map.of(), f, NOW);
    }

    private LabelDecider.Decision mirrors(Map<String, String> served, String... urls) throws IOException {
        for (String u : urls) {
            f.fetch(u);
        }
        return decider.fastForward(repo, served, Map.of(), List.of(urls), f, false, NOW);
    }

    @Test
    void primary_movesLabelsForward() throws IOException {
        f.remote(P, "main", c2);

        assertEquals(Map.of("main", c2), primary(Map.of("main", c1)).commits());
    }

    @Test
    void primaryForcePush_isFollowedWithAWarning() throws IOException {
        String other = f.commit(c1); // c1 → other, not a descendant of c3
        f.remote(P, "main", c3);
        f.fetch(P);
        f.remote(P, "main", other);

        try (LogCapture log = new LogCapture(LabelDecider.class)) {
            LabelDecider.Decision d = primary(Map.of("main", c3));
            assertEquals(Map.of("main", other), d.commits());
            assertFalse(log.has(Level.WARNING, "primary rewrote label history, following it"), "the ancestry walk waits until after the publish");
            decider.warnRewrites(repo, d, f);
            assertTrue(log.has(Level.WARNING, "primary rewrote label history, following it"));
        }
    }

    @Test
    void primaryFastForward_warnsOfNoRewrite() throws IOException {
        f.remote(P, "main", c2);

        try (LogCapture log = new LogCapture(LabelDecider.class)) {
            LabelDecider.Decision d = primary(Map.of("main", c1));
            assertEquals(Map.of("main", c1), d.movedFrom());
            decider.warnRewrites(repo, d, f);
            assertFalse(log.has(Level.WARNING, "primary rewrote label history, following it"));
        }
    }

    @Test
    void rewriteCheckThatFails_isLoggedAndTheDecisionStands() throws IOException {
        f.remote(P, "main", c2);
        LabelDecider.Decision d = primary(Map.of("main", c1));
        Fetcher unreadable = (Fetcher) java.lang.reflect.Proxy.newProxyInstance(Fetcher.class.getClassLoader(),
                new Class<?>[] {Fetcher.class}, (proxy, method, args) -> {
                    throw new IOException("pack unreadable");
                });

        try (LogCapture log = new LogCapture(LabelDecider.class)) {
            decider.warnRewrites(repo, d, unreadable);
            assertTrue(log.has(Level.WARNING, "could not tell whether the primary rewrote label history"));
        }
        assertEquals(Map.of("main", c2), d.commits());
    }

    @Test
    void primary_tracksDefaultAndPatternLabelsOnly() throws IOException {
        f.remote(P, "main", c1).remote(P, "release/2.0", c2).remote(P, "v1", c1).remote(P, "feature/x", c3);

        assertEquals(Map.of("main", c1, "release/2.0", c2, "v1", c1), primary(Map.of()).commits());
    }

    @Test
    void primaryDeletedBranch_isNoLongerServed() throws IOException {
        f.remote(P, "main", c1);

        assertEquals(Map.of("main", c1), primary(Map.of("main", c1, "release/1.0", c1)).commits());
    }

    @Test
    void primaryUnreachable_mirrorFastForward_movesLabel() throws IOException {
        f.remote(M, "main", c3);

        assertEquals(Map.of("main", c3), mirrors(Map.of("main", c1), M).commits());
    }

    @Test
    void laggingMirror_neverMovesLabelBackwards() throws IOException {
        f.remote(M, "main", c1);
        f.remote(M2, "main", c1);

        assertEquals(Map.of("main", c3), mirrors(Map.of("main", c3), M, M2).commits());
    }

    @Test
    void divergedMirror_isIgnored() throws IOException {
        String fork = f.commit(c1);
        f.remote(M, "main", fork);

        assertEquals(Map.of("main", c2), mirrors(Map.of("main", c2), M).commits());
    }

    @Test
    void mirrorsInOrder_takeTheFurthestFastForward() throws IOException {
        f.remote(M, "main", c2).remote(M2, "main", c3);

        assertEquals(Map.of("main", c3), mirrors(Map.of("main", c1), M, M2).commits());
    }

    @Test
    void mirror_newLabel_isServed_missingLabel_kept() throws IOException {
        f.remote(M, "release/1.0", c2);

        assertEquals(Map.of("main", c1, "release/1.0", c2), mirrors(Map.of("main", c1), M).commits());
    }

    @Test
    void commitCheckRefusal_keepsLastGoodCommit() throws IOException {
        f.remote(P, "main", c2);
        refuse.put(c2, "application.yml: mapping values are not allowed here");

        LabelDecider.Decision d = primary(Map.of("main", c1));

        assertEquals(Map.of("main", c1), d.commits());
        assertEquals(List.of(new Problem("main", c2,
                "commit check failed: IllegalStateException: application.yml: mapping values are not allowed here", NOW)), d.problems());
        assertEquals(1, metrics.counter("vortex_commit_refused_total", "", "repo").value("cfg"));
    }

    @Test
    void refusedCommit_isNotCheckedAgain_andAGoodOneMovesTheLabel() throws IOException {
        f.remote(P, "main", c2);
        refuse.put(c2, "bad");
        primary(Map.of("main", c1));
        checked.clear();

        LabelDecider.Decision again = primary(Map.of("main", c1));
        assertEquals(List.of(), checked, "the refusal is remembered");
        assertEquals(1, again.problems().size(), "and still reported");

        f.remote(P, "main", c3);
        LabelDecider.Decision fixed = primary(Map.of("main", c1));
        assertEquals(Map.of("main", c3), fixed.commits());
        assertEquals(List.of(), fixed.problems());
    }

    @Test
    void refusedCommitForNewLabel_leavesItUnserved() throws IOException {
        f.remote(P, "main", c1).remote(P, "release/1.0", c2);
        refuse.put(c2, "bad");

        assertEquals(Map.of("main", c1), primary(Map.of()).commits());
    }

    @Test
    void commitCheckThrows_isAProblem() throws IOException {
        LabelDecider throwing = new LabelDecider((r, g, c) -> {
            throw new IllegalStateException("parser crashed");
        }, metrics);
        f.remote(P, "main", c2);
        f.fetch(P);

        LabelDecider.Decision d = throwing.followPrimary(repo, Map.of("main", c1), Map.of(), f, NOW);

        assertEquals(Map.of("main", c1), d.commits());
        assertTrue(d.problems().get(0).problem().contains("parser crashed"));
    }

    @Test
    void sameCommitOnTwoLabels_isCheckedOnce() throws IOException {
        f.remote(P, "main", c2).remote(P, "v2", c2);

        primary(Map.of());

        assertEquals(List.of(c2), checked);
    }

    @Test
    void recheck_checksUnchangedServedCommitsToo() throws IOException {
        f.remote(P, "main", c1);
        f.fetch(P);
        refuse.put(c1, "now broken");

        LabelDecider.Decision d = decider.fastForward(repo, Map.of("main", c1), Map.of(), List.of(P, M, M2), f, true, NOW);

        assertEquals(Map.of("main", c1), d.commits(), "nothing better to serve");
        assertEquals(1, d.problems().size());
    }

    @Test
    void brokenFile_movesTheLabel_andItsReadersKeepThePreviousCommit() throws IOException {
        f.remote(P, "main", c2);
        BrokenFile shop = new BrokenFile("shop.yml", 2, "bad indentation", List.of("shop"));
        broken.put(c2, List.of(shop));

        LabelDecider.Decision d = primary(Map.of("main", c1));

        assertEquals(Map.of("main", c2), d.commits(), "every other application moves on");
        assertEquals(Map.of("main", new Holdback(List.of(shop), List.of(c1))), d.holdbacks());
        Problem p = d.problems().get(0);
        assertEquals("shop.yml:2: bad indentation (held back: shop)", p.problem());
        assertEquals(Optional.of(shop), p.file());
        assertEquals(Optional.of(c1), p.kept());
        assertEquals(0, metrics.counter("vortex_commit_refused_total", "", "repo").value("cfg"));
        assertTrue(metrics.scrape().contains(
                "vortex_config_unparseable{repo=\"cfg\",label=\"main\",file=\"shop.yml\",line=\"2\",held=\"shop\"} 1"),
                metrics.scrape());
    }

    @Test
    void brokenFiles_chainTheirFallbacks_untilACommitThatParses() throws IOException {
        BrokenFile shop = new BrokenFile("shop.yml", 2, "bad", List.of("shop"));
        BrokenFile all = new BrokenFile("application.yml", 1, "bad", List.of(BrokenFile.EVERY_APP));
        broken.put(c2, List.of(shop));
        broken.put(c3, List.of(shop, all));
        f.remote(P, "main", c2);
        LabelDecider.Decision second = primary(Map.of("main", c1));
        f.remote(P, "main", c3).fetchedBefore(P);

        LabelDecider.Decision third = decider.followPrimary(repo, second.commits(), second.holdbacks(), f, NOW);
        assertEquals(new Holdback(List.of(shop, all), List.of(c2, c1)), third.holdbacks().get("main"));
        assertEquals(2, third.problems().size());

        LabelDecider.Decision same = decider.followPrimary(repo, third.commits(), third.holdbacks(), f, NOW);
        assertEquals(third.holdbacks(), same.holdbacks(), "an unchanged label keeps its fallbacks");

        String c4 = f.commit(c3);
        f.remote(P, "main", c4).fetchedBefore(P);
        LabelDecider.Decision fixed = decider.followPrimary(repo, same.commits(), same.holdbacks(), f, NOW);
        assertEquals(Map.of("main", c4), fixed.commits());
        assertEquals(Map.of(), fixed.holdbacks());
        assertEquals(List.of(), fixed.problems());
        assertTrue(!metrics.scrape().contains("vortex_config_unparseable{"), "series go when the file parses again");
    }

    @Test
    void brokenFileOnAFreshStart_servesTheCommit_withNothingToFallBackTo() throws IOException {
        BrokenFile shop = new BrokenFile("shop.yml", 0, "bad", List.of("shop"));
        broken.put(c1, List.of(shop));
        f.remote(P, "main", c1);

        LabelDecider.Decision d = primary(Map.of());

        assertEquals(Map.of("main", c1), d.commits());
        assertEquals(new Holdback(List.of(shop), List.of()), d.holdbacks().get("main"));
        assertEquals(Optional.empty(), d.problems().get(0).kept());
    }
}
