package dev.vortex.testing;

import java.nio.ByteBuffer;

/**
 * The little of RFC 6455 the raw, selector-driven clients of the tests ({@link WsSwarm}) and the
 * benchmarks need: where the handshake answer ends, and where a server frame's header ends and how
 * long its payload is.
 */
public final class WsFrames {
    private WsFrames() {
    }

    /** A server frame's header at the buffer's position. */
    public record Header(boolean fin, int opcode, int headerLength, long payloadLength) {
        public long frameLength() {
            return headerLength + payloadLength;
        }
    }

    /** The header of the frame at {@code b}'s position, or null while the buffer does not hold it yet. */
    public static Header header(ByteBuffer b) {
        if (b.remaining() < 2) {
            return null;
        }
        int start = b.position();
        boolean fin = (b.get(start) & 0x80) != 0;
        int opcode = b.get(start) & 0x0f;
        int b1 = b.get(start + 1) & 0x7f;
        if (b1 == 126) {
            return b.remaining() < 4 ? null : new Header(fin, opcode, 4, b.getShort(start + 2) & 0xffff);
        }
        if (b1 == 127) {
            return b.remaining() < 10 ? null : new Header(fin, opcode, 10, b.getLong(start + 2));
        }
        return new Header(fin, opcode, 2, b1);
    }

    /** The index just past the blank line ending an HTTP head in {@code b}, or -1. */
    public static int headEnd(ByteBuffer b) {
        for (int i = b.position(); i + 3 < b.limit(); i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** The bytes left over from the last read followed by this read's, as one buffer (the read buffer itself when nothing was left). */
    public static ByteBuffer joined(ByteBuffer pending, ByteBuffer read) {
        if (!pending.hasRemaining()) {
            return read;
        }
        ByteBuffer data = ByteBuffer.allocate(pending.remaining() + read.remaining());
        return data.put(pending).put(read).flip();
    }
}
