package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
import dev.vortex.ops.Metrics;
import dev.vortex.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The registry alone, with a maker whose first syncs the test ends: every answer and every limit. */
class TemplateReposTest {
    private final FakeClock clock = new FakeClock();
    private final Metrics metrics = new Metrics();
    // made on a thread of the registry's own
    private final List<String> made = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<TemplateRepos.FirstSync>> firsts = new ConcurrentHashMap<>();

    private final TemplateRepos.Maker maker = new TemplateRepos.Maker() {
        @Override
        public CompletableFuture<TemplateRepos.FirstSync> make(RepoConfig repo) {
            made.add(repo.name());
            return firsts.computeIfAbsent(repo.name(), n -> new CompletableFuture<>());
        }

        @Override
        public void drop(RepoConfig repo) {
            dropped.add(repo.name());
        }
    };

    private static RepoConfig template(int max, Duration negative, Duration wait) {
        return new RepoConfig("cfg", List.of("https://git.example.com/cfg/{application}.git"), List.of("*"), Optional.empty(),
                List.of(), List.of(), Optional.empty(), dev.vortex.config.RemoteAccess.NONE, new RepoConfig.PerApp(max, negative, wait));
    }

    private TemplateRepos repos(RepoConfig... configured) {
        return new TemplateRepos(List.of(configured), List.of(), maker, name -> false, clock, metrics);
    }

    private void ends(String name, TemplateRepos.FirstSync result) {
        firsts.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(result);
    }

    @Test
    void firstRequest_makesTheRepository_andServesItOnceItsFirstSyncEnds() {
        TemplateRepos repos = repos(template(10, Duration.ofMinutes(1), Duration.ofSeconds(5)));
        ends("cfg.shop", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        RepoLookup.Found found = assertInstanceOf(RepoLookup.Found.class, repos.forApp("shop", true));
        assertEquals("cfg.shop", found.repo().name());
        assertEquals(List.of("https://git.example.com/cfg/shop.git"), found.repo().urls());
        assertInstanceOf(RepoLookup.Found.class, repos.forApp("shop", true));
        assertEquals(List.of("cfg.shop"), made, "made once");
        assertEquals(List.of("cfg.shop"), repos.all().stream().map(RepoConfig::name).toList());
        assertEquals(1.0, metrics.gauge("vortex_template_repos", "", "template").value("cfg"));
    }

    @Test
    void slowFirstSync_isNotReady_withRetryAfter_thenServes() {
        TemplateRepos repos = repos(template(10, Duration.ofMinutes(1), Duration.ofMillis(50)));
        RepoLookup.Refused r = assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", true));
        assertEquals(RepoLookup.Reason.NOT_READY, r.reason());
        assertEquals(Duration.ofSeconds(1), r.retryAfter());
        assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", false));
        org.awaitility.Awaitility.await().until(() -> made.size() == 1);
        ends("cfg.shop", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        assertInstanceOf(RepoLookup.Found.class, repos.forApp("shop", false));
        assertEquals(List.of("cfg.shop"), made);
    }

    @Test
    void missingRepository_isDropped_andRemembered_forTheNegativeCacheTime() {
        TemplateRepos repos = repos(template(10, Duration.ofSeconds(30), Duration.ofSeconds(5)));
        ends("cfg.ghost", new TemplateRepos.FirstSync(false, true, Optional.of("repository not found")));
        RepoLookup.Refused r = assertInstanceOf(RepoLookup.Refused.class, repos.forApp("ghost", true));
        assertEquals(RepoLookup.Reason.MISSING, r.reason());
        assertTrue(r.message().contains("'ghost'"), r.message());
        assertEquals(List.of("cfg.ghost"), dropped);
        for (int i = 0; i < 20; i++) {
            assertEquals(RepoLookup.Reason.MISSING, ((RepoLookup.Refused) repos.forApp("ghost", true)).reason());
        }
        assertEquals(List.of("cfg.ghost"), made, "remembered: asked once");
        assertEquals(List.of(), repos.all());
        clock.advance(Duration.ofSeconds(31));
        firsts.remove("cfg.ghost");
        ends("cfg.ghost", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        assertInstanceOf(RepoLookup.Found.class, repos.forApp("ghost", true), "asked again once the time passed");
        assertEquals(List.of("cfg.ghost", "cfg.ghost"), made);
    }

    @Test
    void maxRepos_refusesTheNextApplication() {
        TemplateRepos repos = repos(template(2, Duration.ofMinutes(1), Duration.ZERO));
        repos.forApp("a", false);
        repos.forApp("b", false);
        RepoLookup.Refused r = assertInstanceOf(RepoLookup.Refused.class, repos.forApp("c", false));
        assertEquals(RepoLookup.Reason.FULL, r.reason());
        assertTrue(r.message().contains("max-repos (2)"), r.message());
        org.awaitility.Awaitility.await().until(() -> made.size() == 2);
        assertEquals(java.util.Set.of("cfg.a", "cfg.b"), java.util.Set.copyOf(made));
        assertEquals(1.0, metrics.counter("vortex_template_refused_total", "", "template", "reason").value("cfg", "full"));
    }

    @Test
    void hostileNames_areRefused_beforeAnythingIsMade() {
        TemplateRepos repos = repos(template(10, Duration.ofMinutes(1), Duration.ZERO));
        for (String bad : List.of("a/b", "..", "x@evil.example.com", "evil.example.com:22", "a%2F..", "a b", "-uupload", ".git", "")) {
            RepoLookup.Refused r = assertInstanceOf(RepoLookup.Refused.class, repos.forApp(bad, true), bad);
            assertEquals(RepoLookup.Reason.BAD_NAME, r.reason(), bad);
        }
        assertEquals(List.of(), made);
    }

    @Test
    void configuredRepositories_comeFirstInTheirOrder_andUnservedApplicationsAreNotServed() {
        RepoConfig plain = new RepoConfig("plain", List.of("https://git.example.com/plain.git"), List.of("legacy-*"), Optional.empty(),
                List.of(), List.of(), Optional.empty());
        RepoConfig t = new RepoConfig("cfg", List.of("https://git.example.com/cfg/{application}.git"), List.of("svc-*"), Optional.empty(),
                List.of(), List.of(), Optional.empty());
        TemplateRepos repos = repos(plain, t);
        assertEquals("plain", ((RepoLookup.Found) repos.forApp("legacy-x", true)).repo().name());
        assertEquals(RepoLookup.Reason.NOT_SERVED, ((RepoLookup.Refused) repos.forApp("other", true)).reason());
        assertEquals(List.of("plain"), repos.all().stream().map(RepoConfig::name).toList());
        assertEquals(List.of(), made);
    }

    @Test
    void restored_repositoriesServeAtOnce_whenTheirTemplateStillServesTheApplication() {
        RepoConfig t = template(10, Duration.ofMinutes(1), Duration.ZERO);
        List<RepoConfig> restored = TemplateRepos.restorable(List.of(t), List.of("cfg.shop", "other.x", "cfg", "cfg.a..b"));
        assertEquals(List.of("cfg.shop"), restored.stream().map(RepoConfig::name).toList());
        TemplateRepos repos = new TemplateRepos(List.of(t), restored, maker, n -> true, clock, metrics);
        assertInstanceOf(RepoLookup.Found.class, repos.forApp("shop", false));
        assertEquals(List.of(), made);
    }
}
