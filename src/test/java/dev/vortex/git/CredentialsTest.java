package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    private static String[] ask(Credentials c, String url) throws URISyntaxException {
        CredentialItem.Username u = new CredentialItem.Username();
        CredentialItem.Password p = new CredentialItem.Password();
        if (!c.get(new URIish(url), u, p)) {
            return null;
        }
        return new String[] {u.getValue(), new String(p.getValue())};
    }

    @Test
    void userColonToken_appliesToEveryHost() throws Exception {
        Credentials c = Credentials.parse("deploy:ghp_abc:def\n", "f");

        assertArrayEquals(new String[] {"deploy", "ghp_abc:def"}, ask(c, "https://any.example.com/x.git"));
    }

    @Test
    void netrc_matchesByHostThenDefault() throws Exception {
        Credentials c = Credentials.parse("""
                machine git.example.com login alice password p1
                machine other.example.org
                  login bob
                  password p2
                default login anon password p0
                """, "f");

        assertArrayEquals(new String[] {"alice", "p1"}, ask(c, "https://git.example.com/x.git"));
        assertArrayEquals(new String[] {"bob", "p2"}, ask(c, "https://OTHER.example.org/x.git"));
        assertArrayEquals(new String[] {"anon", "p0"}, ask(c, "https://third.example.net/x.git"));
    }

    @Test
    void netrcWithoutMatch_providesNothing() throws Exception {
        Credentials c = Credentials.parse("machine a.example.com login a password b", "f");

        assertEquals(null, ask(c, "https://b.example.com/x.git"));
    }

    @Test
    void malformed_failsNamingTheFileNotTheContent() {
        IOException e = assertThrows(IOException.class, () -> Credentials.parse("justatoken-secret", "/etc/creds"));

        assertTrue(e.getMessage().contains("/etc/creds"));
        assertFalse(e.getMessage().contains("justatoken-secret"));
        assertThrows(IOException.class, () -> Credentials.parse("machine h login u", "f"));
    }
}
