package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class FrameTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void smallMessage_goesOutPlain_evenToADeflatingSession() {
        Frame f = Frame.text("error", "{\"v\":1}");
        assertArrayEquals(bytes(f.view()), bytes(f.deflatedView()));
        assertEquals(f.size(), f.size(true));
    }

    @Test
    void largeMessage_isCompressed_withRsv1_andInflatesToTheMessage() throws Exception {
        String json = "{\"config\":{" + "\"key\":\"a value that repeats\",".repeat(2000) + "\"end\":1}}";
        Frame f = Frame.text("config_snapshot", json);
        ByteBuffer a = f.deflatedView();
        ByteBuffer b = f.deflatedView();
        assertEquals(a, b, "every session is handed the same bytes");
        byte[] wire = bytes(a);
        assertEquals(0xC1, wire[0] & 0xff, "FIN + RSV1 + text");
        assertTrue(f.size(true) * 10 < f.size(), f.size(true) + " vs " + f.size());
        int headerLength = (wire[1] & 0x7f) == 126 ? 4 : (wire[1] & 0x7f) == 127 ? 10 : 2;
        Inflater inflater = new Inflater(true);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(wire, headerLength, wire.length - headerLength);
        payload.write(new byte[] {0, 0, (byte) 0xff, (byte) 0xff});
        inflater.setInput(payload.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = inflater.inflate(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        assertEquals(json, out.toString(StandardCharsets.UTF_8));
    }
}
