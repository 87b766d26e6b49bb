package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vortex.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.protocols.Protocol;
import org.junit.jupiter.api.Test;

class ClientDraftTest {
    private static final int MAX = 64 << 10;

    private static ClientDraft draft() {
        return (ClientDraft) new ClientDraft(List.of(new Protocol("")), MAX, null).copyInstance();
    }

    private static byte[] text(int length, boolean masked) {
        return RawWebSocket.frame(RawWebSocket.TEXT, "x".repeat(length).getBytes(StandardCharsets.UTF_8), masked, true);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Feeds {@code bytes} in reads of {@code chunk} bytes, as the socket might deliver them. */
    private static List<Framedata> feed(ClientDraft d, byte[] bytes, int chunk) throws InvalidDataException {
        List<Framedata> frames = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += chunk) {
            byte[] part = new byte[Math.min(chunk, bytes.length - i)];
            System.arraycopy(bytes, i, part, 0, part.length);
            frames.addAll(d.translateFrame(ByteBuffer.wrap(part)));
        }
        return frames;
    }

    @Test
    void maskedFramesOfEveryLengthForm_splitAnywhere_decode() throws InvalidDataException {
        byte[] stream = concat(text(5, true), text(300, true), text(40_000, true), text(0, true));
        for (int chunk : new int[] {1, 2, 3, 7, 13, 1000, stream.length}) {
            List<Framedata> frames = feed(draft(), stream, chunk);
            assertEquals(List.of(5, 300, 40_000, 0), frames.stream().map(f -> f.getPayloadData().remaining()).toList(), "chunk " + chunk);
        }
    }

    @Test
    void unmaskedFrame_evenAfterMaskedOnesAndSplit_isAProtocolError() {
        byte[] stream = concat(text(5, true), text(40_000, true), text(3, false));
        for (int chunk : new int[] {1, 7, 1000, stream.length}) {
            InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> feed(draft(), stream, chunk));
            assertEquals(CloseFrame.PROTOCOL_ERROR, e.getCloseCode());
        }
    }
}
