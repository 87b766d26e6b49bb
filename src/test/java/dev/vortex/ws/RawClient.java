package dev.vortex.ws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client that completes the WebSocket handshake over a plain socket and then never reads
 * again: the slowest reader there is. Its receive buffer is kept small so the server's
 * backlog builds up quickly.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;

    RawClient(int port, String path) {
        this(port, path, "");
    }

    /** With {@code extraHeaders} (each ending in CRLF) in the handshake. */
    RawClient(int port, String path, String extraHeaders) {
        try {
            socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed during handshake: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finally reads everything the server sent until it closed the connection; the byte count. */
    long drainToEof() throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
