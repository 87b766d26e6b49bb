package dev.vortex.ws;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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
 * not) — and, when {@link PermessageDeflate} is offered, compressed client messages. Each
 * connection gets its own copy, which follows the frame headers across reads to find each mask
 * bit and each frame's end before the library decodes the bytes: the library is handed one frame
 * at a time, so a compressed message's continuation frames are inflated in order even when a
 * control frame comes between them.
 */
final class ClientDraft extends Draft_6455 {
    private static final int MAX_HEADER = 14; // 2 + 8 length bytes + 4 mask bytes

    private final PermessageDeflate deflate;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    private long payloadLeft;

    /** {@code deflate}: offered to clients (null: never). */
    ClientDraft(List<IProtocol> protocols, int maxFrameSize, PermessageDeflate deflate) {
        super(deflate == null ? List.of() : List.of(deflate), protocols, maxFrameSize);
        this.deflate = deflate;
    }

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        List<Framedata> frames = new ArrayList<>();
        while (buffer.hasRemaining()) {
            int end = frameEnd(buffer);
            // a view up to the frame's end: the library reads the backing array at absolute positions
            ByteBuffer one = buffer.duplicate().limit(end);
            for (Framedata f : super.translateFrame(one)) {
                if (getExtension() == deflate && deflate != null) {
                    deflate.continued(f);
                }
                frames.add(f);
            }
            buffer.position(end);
        }
        return frames;
    }

    /**
     * Walks from {@code bytes}' position (continuing the previous call's frame) to the end of the
     * frame in progress, or to the end of {@code bytes}; throws at the first unmasked frame.
     */
    int frameEnd(ByteBuffer bytes) throws InvalidFrameException {
        int p = bytes.position();
        int limit = bytes.limit();
        while (p < limit) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, limit - p);
                p += skip;
                payloadLeft -= skip;
                if (payloadLeft == 0) {
                    return p;
                }
                continue;
            }
            header[headerLength++] = bytes.get(p++);
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
            if (payloadLeft == 0) {
                return p;
            }
        }
        return limit;
    }

    /** Whether this connection negotiated permessage-deflate. */
    boolean deflating() {
        return deflate != null && getExtension() == deflate;
    }

    @Override
    public Draft copyInstance() {
        return new ClientDraft(getKnownProtocols().stream().map(IProtocol::copyInstance).toList(), getMaxFrameSize(),
                deflate == null ? null : (PermessageDeflate) deflate.copyInstance());
    }
}
