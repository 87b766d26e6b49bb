package dev.vortex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void durations_inEveryUnit() {
        assertEquals(Duration.ofMillis(500), Values.duration("500ms"));
        assertEquals(Duration.ofSeconds(30), Values.duration("30s"));
        assertEquals(Duration.ofMinutes(2), Values.duration("2m"));
        assertEquals(Duration.ofHours(6), Values.duration("6h"));
        assertEquals(Duration.ofDays(1), Values.duration("1d"));
        assertEquals(Duration.ZERO, Values.duration("0"));
        assertThrows(IllegalArgumentException.class, () -> Values.duration("30"));
        assertThrows(IllegalArgumentException.class, () -> Values.duration("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Values.duration("1.5s"));
    }

    @Test
    void sizes_binaryAndDecimalUnits() {
        assertEquals(64 * 1024, Values.size("64KiB"));
        assertEquals(4L * 1024 * 1024, Values.size("4MiB"));
        assertEquals(1L << 30, Values.size("1GiB"));
        assertEquals(2000, Values.size("2KB"));
        assertEquals(123, Values.size("123"));
        assertThrows(IllegalArgumentException.class, () -> Values.size("4 megs"));
    }

    @Test
    void percentages_andPorts() {
        assertEquals(0.1, Values.percent("10%"), 1e-9);
        assertEquals(0.025, Values.percent("2.5%"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Values.percent("10"));
        assertThrows(IllegalArgumentException.class, () -> Values.percent("101%"));
        assertEquals(0, Values.port("0"));
        assertThrows(IllegalArgumentException.class, () -> Values.port("65536"));
    }

    @Test
    void gitUrls_acceptedForms() {
        for (String ok : new String[] {"https://h/x.git", "http://h:8080/x", "ssh://git@h/x.git", "git://h/x", "file:///srv/x", "git@github.com:acme/cfg.git"}) {
            assertEquals(ok, Values.gitUrl(ok));
        }
        for (String bad : new String[] {"ftp://h/x", "https://h", "/srv/x", "not a url", "file:relative"}) {
            assertThrows(IllegalArgumentException.class, () -> Values.gitUrl(bad), bad);
        }
    }

    @Test
    void urls_redactUserInfo_andNameRepos() {
        assertEquals("https://git.example.com/x.git", Urls.redact("https://user:tok@git.example.com/x.git"));
        assertEquals("https://git.example.com/x.git", Urls.redact("https://git.example.com/x.git"));
        assertEquals("git.example.com:8443", Urls.host("https://u:p@git.example.com:8443/x.git"));
        assertEquals("github.com", Urls.host("git@github.com:acme/cfg.git"));
        assertEquals("local", Urls.host("file:///srv/x"));
        assertEquals("shop-config", Urls.repoNameOf("https://h/team/Shop_Config.git/"));
        assertEquals("https://h/x", Urls.redact("https://u:p@ss@h/x"), "the last @ before the path ends the user-info");
    }

    @Test
    void urls_partsOfEveryForm() {
        assertEquals(Optional.of("user:tok"), Urls.userInfo("https://user:tok@h/x"));
        assertEquals(Optional.empty(), Urls.userInfo("git@github.com:acme/cfg.git"), "scp-like names a user, no secret");
        assertEquals(Optional.empty(), Urls.userInfo("https://h/a@b"));
        assertEquals("github.com", Urls.hostName("ssh://git@github.com:2222/acme/cfg"));
        assertEquals("/acme/cfg", Urls.path("ssh://git@github.com:2222/acme/cfg"));
        assertEquals("acme/cfg.git", Urls.path("git@github.com:acme/cfg.git"));
        assertEquals("[::1]:8080", Urls.host("http://[::1]:8080/x.git"));
        assertEquals("", Urls.hostName("file:///srv/x"));
    }

    @Test
    void names_rejectTraversalControlAndLeadingDash() {
        assertTrue(Names.checkPart("label", "release/1.0", true).isEmpty());
        assertFalse(Names.checkPart("label", "../etc", true).isEmpty());
        assertFalse(Names.checkPart("label", "a/../b", true).isEmpty());
        assertFalse(Names.checkPart("app", "a/b", false).isEmpty());
        assertFalse(Names.checkPart("app", "-rf", false).isEmpty());
        assertFalse(Names.checkPart("app", "a\u0000b", false).isEmpty());
        assertFalse(Names.checkPart("app", "a\\b", false).isEmpty());
        assertFalse(Names.checkPart("app", "x".repeat(256), false).isEmpty());
        assertTrue(Names.checkRepoName("shop-2").isEmpty());
        assertFalse(Names.checkRepoName("Shop").isEmpty());
    }

    @Test
    void patterns_starMatchesAnyRun() {
        assertTrue(Patterns.matches("*", "anything/at/all"));
        assertTrue(Patterns.matches("release/*", "release/1.0"));
        assertTrue(Patterns.matches("v*", "v1"));
        assertTrue(Patterns.matches("*-svc*", "a-svc-b"));
        assertFalse(Patterns.matches("release/*", "main"));
        assertFalse(Patterns.matches("a", "ab"));
    }
}
