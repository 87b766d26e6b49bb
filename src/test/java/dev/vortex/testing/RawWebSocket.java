package dev.vortex.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain socket that writes frames exactly as told — unmasked, bad
 * opcodes, invalid UTF-8, lengths that lie — and reads the server's frames one by one. It reads
 * nothing it is not asked to, so it also plays the client that never reads.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;
    /** What {@link #awaitClose} answers when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String handshake;

    /** One frame from the server; {@code rsv1}: compressed (permessage-deflate). */
    public record Frame(int opcode, boolean fin, boolean rsv1, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private RawWebSocket(Socket socket, String handshake) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.handshake = handshake;
    }

    /**
     * Connects and completes the opening handshake for {@code path} (with {@code extraHeaders},
     * each ending in CRLF); fails unless the server answers 101. {@code receiveBuffer} > 0 shrinks
     * the socket's receive buffer (a client that never reads fills it quickly).
     */
    public static RawWebSocket connect(int port, String path, String extraHeaders, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = s.getInputStream().read();
                if (b < 0) {
                    s.close();
                    throw new IOException("closed during handshake: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                s.close();
                throw new IOException("handshake refused: " + head);
            }
            return new RawWebSocket(s, head.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawWebSocket connect(int port, String path) {
        return connect(port, path, "", 0);
    }

    /** The server's 101 answer, headers included. */
    public String handshake() {
        return handshake;
    }

    /** A masked, final text frame. */
    public void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8), true, true);
    }

    /** One frame with the given opcode, payload, mask bit and FIN bit. */
    public void send(int opcode, byte[] payload, boolean masked, boolean fin) throws IOException {
        out.write(frame(opcode, payload, masked, fin));
        out.flush();
    }

    /** Raw bytes (a frame header that lies, half a frame). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public static byte[] frame(int opcode, byte[] payload, boolean masked, boolean fin) {
        int n = payload.length;
        ByteBuffer b = ByteBuffer.allocate(14 + n);
        b.put((byte) ((fin ? 0x80 : 0) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (n < 126) {
            b.put((byte) (maskBit | n));
        } else if (n < 65536) {
            b.put((byte) (maskBit | 126)).putShort((short) n);
        } else {
            b.put((byte) (maskBit | 127)).putLong(n);
        }
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            b.put(key);
            for (int i = 0; i < n; i++) {
                b.put((byte) (payload[i] ^ key[i % 4]));
            }
        } else {
            b.put(payload);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** The next frame from the server; null when the connection ended. */
    public Frame next() throws IOException {
        try {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long n = b1 & 0x7f;
            if (n == 126) {
                n = in.readUnsignedShort();
            } else if (n == 127) {
                n = in.readLong();
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("the server masked a frame");
            }
            if (n > 64L << 20) {
                throw new IOException("frame of " + n + " bytes");
            }
            byte[] payload = new byte[(int) n];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, (b0 & 0x40) != 0, payload);
        } catch (EOFException e) {
            return null;
        } catch (SocketException e) {
            return null; // reset
        }
    }

    /** The next text frame's text, skipping pings; fails on anything else. */
    public String nextText() throws IOException {
        for (Frame f = next(); f != null; f = next()) {
            if (f.opcode() == TEXT) {
                return f.text();
            }
            if (f.opcode() != PING) {
                throw new IOException("expected a text frame, got opcode " + f.opcode() + " " + f.text());
            }
        }
        throw new IOException("connection ended while waiting for a text frame");
    }

    /** Reads until the server's close frame and returns its code, or {@link #NO_CLOSE_FRAME} if the connection just ended. */
    public int awaitClose() throws IOException {
        ByteArrayOutputStream texts = new ByteArrayOutputStream();
        try {
            for (Frame f = next(); f != null; f = next()) {
                if (f.opcode() == CLOSE) {
                    return f.closeCode();
                }
                texts.write(f.payload());
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no close within the read timeout; got " + texts.size() + " bytes", e);
        }
        return NO_CLOSE_FRAME;
    }

    /** A clean close from our side: a masked close frame with {@code code}. */
    public void sendClose(int code) throws IOException {
        send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, true, true);
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
