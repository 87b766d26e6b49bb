package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
        Frame f = Frame.text("error", written(utf8("{\"v\":1}")));
        assertArrayEquals(bytes(f.view()), bytes(f.deflatedView()));
        assertEquals(f.size(), f.size(true));
    }

    @Test
    void largeMessage_isCompressed_withRsv1_andInflatesToTheMessage() throws Exception {
        String json = "{\"config\":{" + "\"key\":\"a value that repeats\",".repeat(2000) + "\"end\":1}}";
        Frame f = Frame.text("config_snapshot", written(utf8(json)));
        ByteBuffer a = f.deflatedView();
        ByteBuffer b = f.deflatedView();
        assertEquals(a, b, "every session is handed the same bytes");
        byte[] wire = bytes(a);
        assertEquals(0xC1, wire[0] & 0xff, "FIN + RSV1 + text");
        assertTrue(f.size(true) * 10 < f.size(), f.size(true) + " vs " + f.size());
        assertEquals(json, inflate(wire));
    }

    @Test
    void snapshots_shareTheirConfigurationCompressedOnce_andEachInflatesToItsWholeMessage() throws Exception {
        Frame.Part config = new Frame.Part(("{" + "\"key.with.a.long.name\":\"and a value\",".repeat(3000) + "\"z\":0}").getBytes(StandardCharsets.UTF_8));
        Frame a = Frame.spliced("config_snapshot", written(utf8("{\"v\":1,\"id\":\"a\",\"config\":")), config, utf8("}"));
        Frame b = Frame.spliced("config_snapshot", written(utf8("{\"v\":1,\"id\":\"b\",\"config\":")), config, utf8("}"));
        byte[] once = config.deflated();

        assertEquals("{\"v\":1,\"id\":\"a\",\"config\":" + new String(config.bytes, StandardCharsets.UTF_8) + "}", inflate(bytes(a.deflatedView())));
        assertEquals("{\"v\":1,\"id\":\"b\",\"config\":" + new String(config.bytes, StandardCharsets.UTF_8) + "}", inflate(bytes(b.deflatedView())));
        assertTrue(once == config.deflated(), "the configuration was compressed once for both");
        byte[] plain = bytes(a.view());
        byte[] message = ("{\"v\":1,\"id\":\"a\",\"config\":" + new String(config.bytes, StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(Arrays.equals(message, Arrays.copyOfRange(plain, 10, plain.length)), "the plain frame: a 10-byte header, then the message");
    }

    /** The text of a compressed frame (RFC 7692 §7.2.2: the payload plus 00 00 ff ff, inflated). */
    private static String inflate(byte[] wire) throws Exception {
        assertEquals(0xC1, wire[0] & 0xff, "FIN + RSV1 + text");
        int len7 = wire[1] & 0x7f;
        int headerLength = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
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
        inflater.end();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code bytes} as a message is written before it is framed. */
    static MessageBytes written(byte[] bytes) {
        MessageBytes out = MessageBytes.empty();
        out.write(bytes, 0, bytes.length);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
