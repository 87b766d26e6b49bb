package dev.vortex.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One server message, serialized once and framed once as an unmasked RFC 6455 text frame. The
 * same read-only bytes go to every session (each gets its own {@link ByteBuffer#duplicate()}
 * position), so a fan-out to N sessions costs N small buffer views, not N copies.
 *
 * @param type the message type, for the {@code vortex_ws_messages_sent_total{type}} metric
 * @param wire the complete frame, header included
 */
record Frame(String type, ByteBuffer wire) {

    static Frame text(String type, String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + n);
        b.put((byte) 0x81); // FIN + text opcode
        if (n < 126) {
            b.put((byte) n);
        } else if (n <= 0xFFFF) {
            b.put((byte) 126).putShort((short) n);
        } else {
            b.put((byte) 127).putLong(n);
        }
        b.put(payload).flip();
        return new Frame(type, b.asReadOnlyBuffer());
    }

    int size() {
        return wire.limit();
    }

    /** A private view for one session's queue: shares the bytes, owns its position. */
    ByteBuffer view() {
        return wire.duplicate();
    }
}
