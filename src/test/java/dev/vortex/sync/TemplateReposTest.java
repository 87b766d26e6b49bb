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
    void notReady_isCountedWhenARequestIsRefused_notWhenTheHubOnlyChecksOrWaits() {
        TemplateRepos repos = repos(template(10, Duration.ofMinutes(1), Duration.ofMillis(20)));
        RepoLookup.Refused looked = assertInstanceOf(RepoLookup.Refused.class, repos.check("shop", null, null));
        assertEquals(RepoLookup.Reason.NOT_READY, looked.reason());
        RepoLookup.Refused waited = assertInstanceOf(RepoLookup.Refused.class, repos.whenServed("shop", null, null).join());
        assertEquals(RepoLookup.Reason.NOT_READY, waited.reason());
        assertEquals(0.0, notReady(), "checked and waited for, refused to nobody");
        assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", null, null, false));
        assertEquals(1.0, notReady(), "the refusal a client gets");
        assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", null, null, true));
        assertEquals(2.0, notReady());
    }

    private double notReady() {
        return metrics.counter("vortex_template_refused_total", "", "template", "reason").value("cfg", "not_ready");
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

    private static RepoConfig perProfile(String url) {
        return new RepoConfig("cfg", List.of(url), List.of("*"), Optional.empty(), List.of(), List.of(), Optional.empty(),
                dev.vortex.config.RemoteAccess.NONE, new RepoConfig.PerApp(10, Duration.ofMinutes(1), Duration.ofSeconds(5)));
    }

    @Test
    void profiles_lastFirst_aMissingOneIsSkipped_andRemembered_butOneNotReadyIsNot() {
        TemplateRepos repos = repos(perProfile("https://git.example.com/cfg-{profile}.git"));
        ends("cfg.qa", new TemplateRepos.FirstSync(false, true, Optional.of("repository not found")));
        ends("cfg.dev", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        RepoLookup.Found found = assertInstanceOf(RepoLookup.Found.class, repos.forApp("shop", "dev,qa", null, true));
        assertEquals("cfg.dev", found.repo().name());
        assertEquals(List.of("https://git.example.com/cfg-dev.git"), found.repo().urls());
        assertEquals("cfg.dev", ((RepoLookup.Found) repos.forApp("billing", "qa,dev", null, true)).repo().name(), "every application");
        assertEquals(List.of("cfg.qa", "cfg.dev"), made, "qa is asked once: remembered as missing");
        assertEquals(Optional.of("cfg.dev"), repos.serving("shop", "dev,qa", null).map(RepoConfig::name));

        RepoLookup.Refused slow = assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", "dev,prod", null, false));
        assertEquals(RepoLookup.Reason.NOT_READY, slow.reason(), "a repository not ready is not skipped for another profile's");
        assertTrue(slow.message().contains("(profile 'prod')"), slow.message());

        RepoLookup.Refused none = assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", null, null, true));
        assertEquals(RepoLookup.Reason.BAD_NAME, none.reason());
        RepoLookup.Refused hostile = assertInstanceOf(RepoLookup.Refused.class, repos.forApp("shop", "dev,a@evil.example.com", null, true));
        assertEquals(RepoLookup.Reason.BAD_NAME, hostile.reason(), "every value is checked before any repository is asked for");
    }

    @Test
    void labelLessRequest_triesMainThenMaster_andKeysThatFillTheUrlAlike_shareOneRepository() {
        TemplateRepos repos = repos(perProfile("https://git.example.com/{application}-{label}.git"));
        ends("cfg.shop~main", new TemplateRepos.FirstSync(false, true, Optional.of("repository not found")));
        ends("cfg.shop~master", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        RepoConfig master = ((RepoLookup.Found) repos.forApp("shop", "default", null, true)).repo();
        assertEquals("cfg.shop~master", master.name());
        assertEquals(Optional.of("master"), master.defaultLabel());
        ends("cfg.a-b~c", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        assertEquals("cfg.a-b~c", ((RepoLookup.Found) repos.forApp("a-b", "default", "c", true)).repo().name());
        assertEquals("cfg.a-b~c", ((RepoLookup.Found) repos.forApp("a", "default", "b-c", true)).repo().name(), "one repository per URL");
        assertEquals(List.of("cfg.shop~main", "cfg.shop~master", "cfg.a-b~c"), made);
        assertEquals(List.of("cfg.shop~master", "cfg.a-b~c"),
                TemplateRepos.restorable(List.of(perProfile("https://git.example.com/{application}-{label}.git")),
                        List.of("cfg.shop~master", "cfg.a-b~c", "cfg.shop", "cfg.x~a@b")).stream().map(RepoConfig::name).toList());
    }

    @Test
    void whenServed_completesOffTheCallersThread_whenTheFirstSyncEnds() throws Exception {
        TemplateRepos repos = repos(template(10, Duration.ofMinutes(1), Duration.ofSeconds(30)));
        CompletableFuture<RepoLookup.Answer> answer = repos.whenServed("shop", "default", null);
        org.awaitility.Awaitility.await().until(() -> made.size() == 1);
        assertTrue(!answer.isDone(), "waits for the first sync");
        ends("cfg.shop", new TemplateRepos.FirstSync(true, false, Optional.empty()));
        assertInstanceOf(RepoLookup.Found.class, answer.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }
}
