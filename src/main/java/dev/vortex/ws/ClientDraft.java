package dev.vortex.ws;

import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.protocols.IProtocol;

/**
 * RFC 6455 as the server reads it: the library's {@link Draft_6455} plus the one check it leaves
 * out — every client frame is masked (RFC 6455 §5.1: the server closes with 1002 on one that is
 * not). Each connection gets its own copy, which follows the frame headers across reads to find
 * each mask bit before the library decodes the bytes.
 */
final class ClientDraft extends Draft_6455 {
    private static final int MAX_HEADER = 14; // 2 + 8 length bytes + 4 mask bytes

    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    private long payloadLeft;

    ClientDraft(List<IProtocol> protocols, int maxFrameSize) {
        super(List.of(), protocols, maxFrameSize);
    }

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        checkMasked(buffer.duplicate());
        return super.translateFrame(buffer);
    }

    /** Walks the frames in {@code bytes} (continuing the previous call's frame); throws at the first unmasked one. */
    void checkMasked(ByteBuffer bytes) throws InvalidFrameException {
        while (bytes.hasRemaining()) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, bytes.remaining());
                bytes.position(bytes.position() + skip);
                payloadLeft -= skip;
                continue;
            }
            header[headerLength++] = bytes.get();
            if (headerLength < 2) {
                continue;
            }
            if ((header[1] & 0x80) == 0) {
                throw new InvalidFrameException("client frames must be masked");
            }
            int length7 = header[1] & 0x7f;
            int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            if (headerLength < 2 + extended + 4) {
                continue;
            }
            long length = switch (extended) {
                case 2 -> ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                case 8 -> ByteBuffer.wrap(header, 2, 8).getLong();
                default -> length7;
            };
            // a length over 2^63 reads negative; the library refuses that frame (1009) right after
            payloadLeft = length < 0 ? Long.MAX_VALUE : length;
            headerLength = 0;
        }
    }

    @Override
    public Draft copyInstance() {
        return new ClientDraft(getKnownProtocols().stream().map(IProtocol::copyInstance).toList(), getMaxFrameSize());
    }
}
