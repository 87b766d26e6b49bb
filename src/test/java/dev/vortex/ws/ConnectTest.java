package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ConnectTest {

    private static Connect.Ok ok(String rd, String protocols) {
        return assertInstanceOf(Connect.Ok.class, Connect.parse(rd, protocols));
    }

    private static String bad(String rd) {
        return assertInstanceOf(Connect.Bad.class, Connect.parse(rd, null)).message();
    }

    @Test
    void appProfile_defaultLabel() {
        Connect.Ok c = ok("/ws/myapp/prod", null);
        assertEquals(new TargetPattern("myapp", "prod", null), c.pattern());
        assertEquals("myapp:prod", c.text());
        assertNull(c.token());
    }

    @Test
    void labelWithUnderscoreEscape_andPercentEncoding_areDecoded() {
        assertEquals(new TargetPattern("my app", "prod,eu", "release/1.0"), ok("/ws/my%20app/prod,eu/release(_)1.0", null).pattern());
        assertEquals("a+b", ok("/ws/a+b/prod", null).pattern().app(), "'+' is a plus in a path");
    }

    @Test
    void bareWsPath_hasNoInitialSubscription() {
        assertNull(ok("/ws", null).pattern());
        assertNull(ok("/ws/", null).pattern());
    }

    @Test
    void tokenFromQuery_orFromSubprotocol() {
        assertEquals("s3cret", ok("/ws/a/p?x=1&token=s3cret", null).token());
        assertEquals("t o", ok("/ws?token=t%20o", null).token());
        assertEquals("abc", ok("/ws/a/p", "vortex.v1, token.abc").token());
        assertEquals("q", ok("/ws/a/p?token=q", "vortex.v1, token.abc").token(), "the query wins");
    }

    @Test
    void malformedNamesAndPaths_areBadRequests() {
        assertFalse(bad("/ws/-app/prod").isEmpty());
        assertFalse(bad("/ws/app/prod/a(_)..(_)b").isEmpty());
        assertFalse(bad("/ws/app/prod/").isEmpty());
        assertFalse(bad("/ws/a%2Fb/prod").isEmpty());
        assertFalse(bad("/ws/a%zz/prod").isEmpty());
        assertFalse(bad("/ws/a/b/c/d").isEmpty());
        assertFalse(bad("/ws/app").isEmpty());
        assertFalse(bad("/other").isEmpty());
        assertFalse(bad("/ws/*/prod").isEmpty());
        assertFalse(bad("/ws/" + "a".repeat(300) + "/prod").isEmpty());
    }

    @Test
    void badRequestMessage_neverHoldsTheToken() {
        String m = bad("/nope/x?token=s3cret");
        assertFalse(m.contains("s3cret"), m);
    }
}
