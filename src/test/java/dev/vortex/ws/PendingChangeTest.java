package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class PendingChangeTest {
    private static final String OLD = "0123456789abcdef0123456789abcdef01234567";
    private static final String NEW = "89abcdef0123456789abcdef0123456789abcdef";

    @Test
    void framedOnce_whenFirstSent_forEverySessionItGoesTo() {
        Messages messages = new Messages(InstantSource.system());
        PendingChange c = new PendingChange(new Target("app1", "prod", "main"), OLD, NEW, utf8("[]"), utf8("{}"));
        Frame first = c.frame(messages);
        assertSame(first, c.frame(messages));
        assertEquals(messages.change(new Target("app1", "prod", "main"), OLD, NEW, utf8("[]"), utf8("{}")).size(), first.size());
    }

    @Test
    void bytes_countsAboutWhatItsFrameTakes() {
        Messages messages = new Messages(InstantSource.system());
        for (int size : new int[] {0, 50, 5_000}) {
            PendingChange c = new PendingChange(new Target("app1234", "prod", "release-1"), OLD, NEW,
                    utf8("[{\"op\":\"replace\",\"path\":\"/k\",\"value\":\"" + "v".repeat(size) + "\"}]"), utf8("{\"k\":\"was\"}"));
            long framed = c.frame(messages).size();
            assertTrue(Math.abs(c.bytes() - framed) <= 16, c.bytes() + " counted for a frame of " + framed);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
