package dev.vortex.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * One server message, serialized once and framed once as an unmasked RFC 6455 text frame; and,
 * the first time a session that negotiated permessage-deflate needs it, compressed once (RFC 7692,
 * no context takeover) and framed with RSV1. The same read-only bytes go to every session (each
 * gets its own {@link ByteBuffer#duplicate()} position), so a fan-out to N sessions costs N small
 * buffer views, not N copies or N compressions.
 */
final class Frame {
    /** Below this many payload bytes a message goes out uncompressed (RFC 7692 allows it) even where deflate was negotiated. */
    static final int DEFLATE_THRESHOLD = 128;
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));

    private final String type;
    private final ByteBuffer wire;
    private final byte[] payload;
    private ByteBuffer deflated;

    private Frame(String type, byte[] payload) {
        this.type = type;
        this.payload = payload;
        this.wire = frame((byte) 0x81, payload, payload.length); // FIN + text opcode
    }

    static Frame text(String type, String json) {
        return new Frame(type, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The message type, for the {@code vortex_ws_messages_sent_total{type}} metric. */
    String type() {
        return type;
    }

    /** The plain frame's size, header included. */
    int size() {
        return wire.limit();
    }

    /** The size of what a session is sent: the compressed frame when it negotiated permessage-deflate. */
    int size(boolean deflate) {
        return deflate ? deflated().limit() : wire.limit();
    }

    /** A private view of the plain frame for one session's queue: shares the bytes, owns its position. */
    ByteBuffer view() {
        return wire.duplicate();
    }

    /**
     * A private view of the frame for a session that negotiated permessage-deflate: the compressed
     * frame, computed on the first call, or the plain one when compressing does not make it smaller.
     */
    ByteBuffer deflatedView() {
        return deflated().duplicate();
    }

    private synchronized ByteBuffer deflated() {
        if (deflated == null) {
            deflated = wire;
            if (payload.length >= DEFLATE_THRESHOLD) {
                byte[] packed = deflate(payload);
                if (packed.length < payload.length) {
                    deflated = frame((byte) 0xC1, packed, packed.length); // FIN + RSV1 + text opcode
                }
            }
        }
        return deflated;
    }

    /** The message compressed on its own (no context takeover), without the final empty block's 4 bytes (RFC 7692 §7.2.1). */
    static byte[] deflate(byte[] message) {
        Deflater d = DEFLATERS.get();
        try {
            d.setInput(message);
            byte[] out = new byte[Math.max(64, message.length / 4)];
            int n = 0;
            while (true) {
                n += d.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
                if (n < out.length) {
                    break;
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
            // SYNC_FLUSH ends with an empty stored block: 00 00 ff ff, which the receiver appends again
            return Arrays.copyOf(out, n - 4);
        } finally {
            d.reset();
        }
    }

    private static ByteBuffer frame(byte first, byte[] payload, int n) {
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + n);
        b.put(first);
        if (n < 126) {
            b.put((byte) n);
        } else if (n <= 0xFFFF) {
            b.put((byte) 126).putShort((short) n);
        } else {
            b.put((byte) 127).putLong(n);
        }
        b.put(payload, 0, n).flip();
        return b.asReadOnlyBuffer();
    }
}
