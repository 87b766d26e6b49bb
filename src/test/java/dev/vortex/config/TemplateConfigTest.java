package dev.vortex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repositories whose URLs hold {application}: what the loader accepts, and every way it refuses one. */
class TemplateConfigTest {
    @TempDir
    Path tmp;

    private VortexConfig load(String yaml) throws IOException, ConfigException {
        Path file = Files.writeString(tmp.resolve("vortex.yml"), yaml);
        return ConfigLoader.load(List.of("--config=" + file), Map.of());
    }

    private List<String> problems(String yaml) throws IOException {
        Path file = Files.writeString(tmp.resolve("vortex.yml"), yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--config=" + file), Map.of())).problems();
    }

    @Test
    void template_withLimits_isLoaded() throws Exception {
        VortexConfig c = load("""
                repos:
                  - name: cfg
                    urls: ["https://git.example.com/cfg/{application}-config.git", "git@mirror.example.org:cfg/{application}.git"]
                    max-repos: 5
                    negative-cache: 30s
                    first-sync-wait: 2s
                """);
        RepoConfig t = c.repos().get(0);
        assertTrue(t.isTemplate());
        assertEquals(new RepoConfig.PerApp(5, Duration.ofSeconds(30), Duration.ofSeconds(2)), t.perApp());
        RepoConfig shop = t.made(new TemplateKey("shop", null, null));
        assertEquals("cfg.shop", shop.name());
        assertEquals(List.of("https://git.example.com/cfg/shop-config.git", "git@mirror.example.org:cfg/shop.git"), shop.urls());
        assertEquals(List.of("shop"), shop.apps());
        assertFalse(shop.isTemplate());
    }

    @Test
    void template_defaults() throws Exception {
        RepoConfig t = ConfigLoader.load(List.of("--repo=https://git.example.com/cfg/{application}.git"), Map.of()).repos().get(0);
        assertTrue(t.isTemplate());
        assertEquals(RepoConfig.PerApp.DEFAULTS, t.perApp());
        assertEquals(new RepoConfig.PerApp(1000, Duration.ofMinutes(1), Duration.ofSeconds(10)), t.perApp());
    }

    @Test
    void placeholderInTheHost_unknownPlaceholder_mixedUrls_andLimitsOnAPlainRepo_areEachNamed() throws Exception {
        List<String> p = problems("""
                repos:
                  - name: host
                    urls: ["https://{application}.example.com/cfg.git"]
                  - name: user
                    urls: ["https://{application}@git.example.com/cfg.git"]
                  - name: scp
                    urls: ["git@{application}:cfg.git"]
                  - name: unknown
                    urls: ["https://git.example.com/{tenant}/{application}.git", "https://git.example.com/{app}.git"]
                  - name: prof
                    urls: ["https://{profile}.example.com/cfg.git", "https://git.example.com/{label}/cfg.git"]
                  - name: mixed
                    urls: ["https://git.example.com/{application}.git", "https://mirror.example.com/cfg.git"]
                  - name: plain
                    urls: ["https://git.example.com/cfg.git"]
                    max-repos: 3
                  - name: limits
                    urls: ["https://git.example.com/{application}.git"]
                    max-repos: 0
                    first-sync-wait: soon
                """);
        String all = String.join("\n", p);
        assertTrue(all.contains("repos.0.urls: \"https://{application}.example.com/cfg.git\": {application} is in the scheme, user or host part"), all);
        assertTrue(all.contains("repos.1.urls: \"https://git.example.com/cfg.git\": {application} is in the scheme, user or host part"), all);
        assertTrue(all.contains("repos.2.urls: \"git@{application}:cfg.git\": {application} is in the scheme, user or host part"), all);
        assertTrue(all.contains("repos.3.urls: \"https://git.example.com/{tenant}/{application}.git\": placeholder {tenant} is not supported in a URL"), all);
        assertTrue(all.contains("placeholder {app} is not supported in a URL"), all);
        assertTrue(all.contains("repos.4.urls: \"https://{profile}.example.com/cfg.git\": {profile} is in the scheme, user or host part"), all);
        assertTrue(all.contains("repos.4.urls: \"https://git.example.com/{label}/cfg.git\": every URL of a per-application repository must hold the same placeholders ({profile} in the first URL)"), all);
        assertTrue(all.contains("repos.5.urls: \"https://mirror.example.com/cfg.git\": every URL of a per-application repository must hold the same placeholders ({application} in the first URL)"), all);
        assertTrue(all.contains("repos.6.max-repos: only for a per-application repository"), all);
        assertTrue(all.contains("repos.7.max-repos: \"0\" is not a positive whole number"), all);
        assertTrue(all.contains("repos.7.first-sync-wait: \"soon\" is not a duration"), all);
    }

    @Test
    void applicationNames_thatWouldLeaveThePathOrChangeTheHost_areRefused() {
        for (String bad : List.of("a/b", "..", "a..b", "a@evil.com", "host:22", "a%2Fb", "a b", "a\tb", "-upload-pack=x", ".hidden", "",
                "a,b", "x".repeat(101))) {
            assertTrue(Names.checkTemplateApp(bad).isPresent(), bad);
        }
        for (String good : List.of("shop", "Shop_2", "billing.service", "a-b", "x".repeat(100))) {
            assertEquals(java.util.Optional.empty(), Names.checkTemplateApp(good), good);
        }
    }

    @Test
    void instanceNames_areServedNames_thatSplitBack() {
        assertEquals(java.util.Optional.empty(), Names.checkServedName("cfg.billing.service"));
        assertEquals(java.util.Optional.empty(), Names.checkServedName("cfg"));
        assertTrue(Names.checkServedName("cfg./x").isPresent());
        assertTrue(Names.checkServedName("CFG.x").isPresent());
        assertEquals("cfg.billing.service", RepoConfig.instanceName("cfg", "billing.service"));
    }

    private static RepoConfig template(String url, java.util.Optional<String> defaultLabel) {
        return new RepoConfig("cfg", List.of(url), List.of("*"), defaultLabel, List.of(), List.of(), java.util.Optional.empty());
    }

    @Test
    void profileAndLabelTemplates_tryTheLastProfileFirst_andMainThenMasterWithoutALabel_asSpring() {
        RepoConfig t = template("https://git.example.com/{application}/{profile}-{label}.git", java.util.Optional.empty());
        assertEquals(List.of("{application}", "{profile}", "{label}"), t.placeholders());
        assertEquals(List.of(new TemplateKey("shop", "prod", "main"), new TemplateKey("shop", "prod", "master"),
                new TemplateKey("shop", "dev", "main"), new TemplateKey("shop", "dev", "master")),
                TemplateKey.candidates(t, "shop", "dev,prod", null));
        assertEquals(List.of(new TemplateKey("shop", "dev", "v1")), TemplateKey.candidates(t, "shop", "dev", "v1"));
        assertEquals(List.of(), TemplateKey.candidates(t, "shop", null, "v1"), "a profile template needs a profile");
        RepoConfig withDefault = template("https://git.example.com/cfg-{label}.git", java.util.Optional.of("trunk"));
        assertEquals(List.of(new TemplateKey(null, null, "trunk")), TemplateKey.candidates(withDefault, "shop", "dev,prod", null));

        RepoConfig made = t.made(new TemplateKey("shop", "prod", "main"));
        assertEquals("cfg.shop~prod~main", made.name());
        assertEquals(List.of("https://git.example.com/shop/prod-main.git"), made.urls());
        assertEquals(java.util.Optional.of("main"), made.defaultLabel(), "the label the URL was filled with is the branch served");
        assertEquals(List.of("shop"), made.apps());
        assertEquals(java.util.Optional.empty(), Names.checkServedName(made.name()));
        assertEquals(java.util.Optional.of(new TemplateKey("shop", "prod", "main")), TemplateKey.parse(t, "shop~prod~main"));
        assertEquals(java.util.Optional.empty(), TemplateKey.parse(t, "shop~prod"));

        RepoConfig perProfile = template("https://git.example.com/cfg-{profile}.git", java.util.Optional.empty());
        RepoConfig dev = perProfile.made(new TemplateKey(null, "dev", null));
        assertEquals("cfg.dev", dev.name());
        assertEquals(List.of("*"), dev.apps(), "one repository per profile serves every application of the template");
    }

    @Test
    void profilesAndLabels_thatWouldLeaveThePath_areProblems() {
        for (String bad : List.of("a/b", "..", "a@evil.com", "host:22", "%2F", "-x", "a~b")) {
            assertTrue(new TemplateKey("shop", bad, null).problem().isPresent(), bad);
            assertTrue(new TemplateKey("shop", null, bad).problem().isPresent(), bad);
        }
        assertTrue(new TemplateKey("shop", null, "release/1").problem().get().contains("label 'release/1'"));
    }
}
