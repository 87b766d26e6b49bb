package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.VortexConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrincipalsTest {
    @TempDir
    Path tmp;

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void scopes_parseAndMatch() {
        Principal p = new Principal("p", java.util.List.of(Scope.parse("read:shop-*@configs"), Scope.parse("watch:shop"), Scope.parse("admin")));
        assertTrue(p.mayReadApp("shop-api"));
        assertTrue(p.mayRead("shop-api", "configs"));
        assertFalse(p.mayRead("shop-api", "other"));
        assertFalse(p.mayReadApp("Shop-api"), "case-sensitive, as repositories match applications");
        assertFalse(p.mayReadApp("shop-api,billing"), "a comma list needs every application");
        assertFalse(p.mayReadApp(""));
        assertFalse(p.mayWatch("shop"), "watching needs read scope too: snapshots carry the values");
        assertFalse(p.mayWatch("shop-api"));
        Principal both = new Principal("both", java.util.List.of(Scope.parse("read:shop*"), Scope.parse("watch:shop")));
        assertTrue(both.mayWatch("shop"));
        assertFalse(both.mayWatch("shop-api"), "read alone does not watch");
        assertTrue(p.admin());
        for (String bad : new String[] {"read:", "read", "write:x", "read:a/b", "watch:x@r", "read:x@Repo", "admin:x"}) {
            assertThrows(IllegalArgumentException.class, () -> Scope.parse(bad), bad);
        }
    }

    @Test
    void credentials_hashedAndPlaintext_verify() {
        assertTrue(Credential.hashPassword("x").startsWith("pbkdf2-sha256$210000$"), "the default rounds");
        String stored = Credential.hashPassword("pässword", 1000);
        assertTrue(stored.startsWith("pbkdf2-sha256$1000$"));
        Credential c = Credential.password(stored);
        assertFalse(c.plaintext());
        assertTrue(c.verify("pässword"));
        assertFalse(c.verify("password"));
        assertTrue(Credential.token(Credential.hashToken("t0k")).verify("t0k"));
        assertTrue(Credential.token("t0k").plaintext());
        assertEquals("password (hashed)", c.toString(), "toString shows no secret material");
        assertThrows(IllegalArgumentException.class, () -> Credential.password("pbkdf2-sha256$10$AAAA$AAAA"));
        assertThrows(IllegalArgumentException.class, () -> Credential.token("sha256$abc"));
    }

    @Test
    void file_basicAndBearer_wrongAndAbsent() throws IOException {
        Path f = Files.writeString(tmp.resolve("p.yml"), """
                principals:
                  - {name: app, password: "%s", scopes: ["read:app"]}
                  - {name: ci, token: "%s", scopes: [admin]}
                  - {name: plain, token: plain-token, scopes: ["watch:*"]}
                """.formatted(Credential.hashPassword("pw", 1000), Credential.hashToken("ci-token")));
        Principals p = Principals.load(Optional.of(f), Optional.empty());
        assertTrue(p.required() && p.scoped());
        assertEquals("app", ((Principals.Known) p.authenticate(basic("app", "pw"))).principal().name());
        assertEquals("app", ((Principals.Known) p.authenticate(basic("app", "pw"))).principal().name(), "cached");
        assertEquals("ci", ((Principals.Known) p.authenticate("bearer ci-token")).principal().name());
        assertEquals("plain", ((Principals.Known) p.authenticateToken("plain-token")).principal().name());
        assertInstanceOf(Principals.Wrong.class, p.authenticate(basic("app", "nope")));
        assertInstanceOf(Principals.Wrong.class, p.authenticate(basic("ci", "ci-token")), "a token is no password");
        assertInstanceOf(Principals.Wrong.class, p.authenticate("Basic !!!"));
        assertInstanceOf(Principals.Wrong.class, p.authenticate("Digest x"));
        assertInstanceOf(Principals.Absent.class, p.authenticate(null));
        assertInstanceOf(Principals.Absent.class, p.authenticateToken(""));
    }

    @Test
    void tokensFile_linesArePrincipalsWithEveryScope() throws IOException {
        Path t = Files.writeString(tmp.resolve("tokens"), "# c\nalpha\n\n beta \n");
        Principals p = Principals.load(Optional.empty(), Optional.of(t));
        assertTrue(p.required());
        assertFalse(p.scoped());
        Principal beta = ((Principals.Known) p.authenticate("Bearer beta")).principal();
        assertTrue(beta.admin() && beta.mayReadApp("x") && beta.mayWatch("y"));
        assertInstanceOf(Principals.Wrong.class, p.authenticate("Bearer # c"));
    }

    @Test
    void badFile_everyProblemNamedWithoutSecrets() throws IOException {
        Path f = Files.writeString(tmp.resolve("p.yml"), """
                principals:
                  - {name: "bad name", password: x, scopes: [admin]}
                  - {name: a, password: s3cret-a, token: s3cret-b, scopes: [admin]}
                  - {name: b, password: s3cret-c, scopes: ["write:x"]}
                  - {name: c, password: "pbkdf2-sha256$1$s3cret$x", scopes: [admin]}
                  - {name: d, token: s3cret-d}
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Principals.load(Optional.of(f), Optional.empty()));
        String m = e.getMessage();
        for (String part : new String[] {"principals[0].name", "principal 'a': needs exactly one", "scope \"write:x\"",
                "principal 'c': password hash", "principal 'd'.scopes"}) {
            assertTrue(m.contains(part), part + " in " + m);
        }
        assertFalse(m.contains("s3cret"), m);
        Files.writeString(f, "principals: [oops");
        assertThrows(IllegalArgumentException.class, () -> Principals.load(Optional.of(f), Optional.empty()));
    }

    @Test
    void reload_reportsRemovedAndChangedPrincipals_keepsOldOnBadFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("p.yml"), """
                principals:
                  - {name: a, token: ta, scopes: [admin]}
                  - {name: b, token: tb, scopes: [admin]}
                  - {name: c, token: tc, scopes: [admin]}
                """);
        Principals p = Principals.load(Optional.of(f), Optional.empty());
        List<Set<String>> removed = new ArrayList<>();
        p.onRemoved(removed::add);
        assertInstanceOf(Principals.Known.class, p.authenticate("Bearer tb"));
        Files.writeString(f, """
                principals:
                  - {name: a, token: ta, scopes: [admin]}
                  - {name: c, token: tc2, scopes: [admin]}
                """);
        // the reload step SIGHUP runs (ConfigReloader): the configuration names the same file
        VortexConfig config = ConfigLoader.load(List.of("--data-dir=" + tmp.resolve("data"), "--auth.principals-file=" + f), Map.of());
        p.reload(config, ConfigDiff.between(config, config));
        assertEquals(List.of(Set.of("b", "c")), removed);
        assertInstanceOf(Principals.Wrong.class, p.authenticate("Bearer tb"), "the verified cache is dropped on reload");
        Files.writeString(f, "nonsense: [");
        IOException e = assertThrows(IOException.class, () -> p.reload(config, ConfigDiff.between(config, config)));
        assertTrue(e.getMessage().startsWith("principals not reloaded"), e.getMessage());
        assertEquals(1, removed.size(), "a refused file ends no session");
        assertInstanceOf(Principals.Known.class, p.authenticate("Bearer tc2"), "a bad file keeps the previous principals");
    }
}
