package dev.vortex.ws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * One server message, serialized once and framed once as an unmasked RFC 6455 text frame; and,
 * the first time a session that negotiated permessage-deflate needs it, compressed once (RFC 7692,
 * no context takeover) and framed with RSV1. The same read-only bytes go to every session (each
 * gets its own {@link ByteBuffer#duplicate()} position), so a fan-out to N sessions costs N small
 * buffer views, not N copies or N compressions.
 *
 * <p>A snapshot is its envelope around a channel's configuration ({@link Part}), which is
 * compressed once per channel version, not once per snapshot: DEFLATE blocks ended by a sync
 * flush are byte-aligned and self-contained, so the compressed envelope, configuration and
 * closing brace, each compressed on its own, concatenate into one valid compressed message.
 */
final class Frame {
    /** Below this many payload bytes a message goes out uncompressed (RFC 7692 allows it) even where deflate was negotiated. */
    static final int DEFLATE_THRESHOLD = 128;
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));
    private static final byte[] NONE = new byte[0];

    /** Bytes spliced into many messages (a channel's configuration), compressed at most once. */
    static final class Part {
        final byte[] bytes;
        private byte[] deflated;

        Part(byte[] utf8) {
            this.bytes = utf8;
        }

        synchronized byte[] deflated() {
            if (deflated == null) {
                deflated = deflate(bytes, false);
            }
            return deflated;
        }
    }

    private final String type;
    /** The plain frame: header, then head, middle and tail; the parts are ranges of it, not kept twice (a re-render holds 20,000 frames). */
    private final byte[] framed;
    private final int headAt;
    private final int headLength;
    private final Part middle;
    private final int tailLength;
    private final ByteBuffer wire;
    private ByteBuffer deflated;

    private Frame(String type, byte[] head, int headLength, Part middle, byte[] tail) {
        this.type = type;
        this.middle = middle;
        this.framed = frame((byte) 0x81, head, headLength, middle == null ? NONE : middle.bytes, tail); // FIN + text opcode
        this.headAt = framed.length - headLength - (middle == null ? 0 : middle.bytes.length) - tail.length;
        this.headLength = headLength;
        this.tailLength = tail.length;
        this.wire = ByteBuffer.wrap(framed).asReadOnlyBuffer();
    }

    /** The message written into {@code json}, UTF-8 (copied: the buffer is reused). */
    static Frame text(String type, MessageBytes json) {
        return new Frame(type, json.array(), json.length(), null, NONE);
    }

    /**
     * {@code head + middle + tail} in UTF-8, the middle shared with other messages (compressed once for
     * all); the head as written into {@code head} (copied).
     */
    static Frame spliced(String type, MessageBytes head, Part middle, byte[] tail) {
        return new Frame(type, head.array(), head.length(), middle, tail);
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
            int plain = framed.length - headAt;
            if (plain >= DEFLATE_THRESHOLD) {
                byte[] packed = middle == null ? deflate(framed, headAt, headLength, true)
                        : concat(deflate(framed, headAt, headLength, false), middle.deflated(),
                                deflate(framed, framed.length - tailLength, tailLength, true));
                if (packed.length < plain) {
                    deflated = ByteBuffer.wrap(frame((byte) 0xC1, packed, packed.length, NONE, NONE)).asReadOnlyBuffer(); // FIN + RSV1 + text opcode
                }
            }
        }
        return deflated;
    }

    /**
     * {@code bytes} compressed on their own, ended by a sync flush (an empty stored block,
     * 00 00 ff ff); {@code last}: without those 4 bytes, as RFC 7692 §7.2.1 ends a message.
     */
    static byte[] deflate(byte[] bytes, boolean last) {
        return deflate(bytes, 0, bytes.length, last);
    }

    private static byte[] deflate(byte[] bytes, int offset, int length, boolean last) {
        Deflater d = DEFLATERS.get();
        try {
            d.setInput(bytes, offset, length);
            byte[] out = new byte[Math.max(64, length / 4)];
            int n = 0;
            while (true) {
                n += d.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
                if (n < out.length) {
                    break;
                }
                out = Arrays.copyOf(out, out.length * 2);
            }
            return Arrays.copyOf(out, last ? n - 4 : n);
        } finally {
            d.reset();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // a's first aLength bytes, then b and c
    private static byte[] frame(byte first, byte[] a, int aLength, byte[] b, byte[] c) {
        int n = aLength + b.length + c.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuffer buf = ByteBuffer.wrap(new byte[header + n]);
        buf.put(first);
        if (n < 126) {
            buf.put((byte) n);
        } else if (n <= 0xFFFF) {
            buf.put((byte) 126).putShort((short) n);
        } else {
            buf.put((byte) 127).putLong(n);
        }
        buf.put(a, 0, aLength).put(b).put(c);
        return buf.array();
    }
}
