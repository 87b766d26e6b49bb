package dev.vortex.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.java_websocket.SSLSocketChannel2;

/**
 * The WebSocket library's TLS channel, with its internal {@code assert}s turned into an I/O error
 * on that one connection: with assertions enabled (tests) one client closing right after its
 * handshake would otherwise throw an Error on the selector thread and stop the whole server.
 */
final class TlsChannel extends SSLSocketChannel2 {
    TlsChannel(SocketChannel channel, SSLEngine engine, ExecutorService tasks, SelectionKey key) throws IOException {
        super(channel, engine, tasks, key);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return super.read(dst);
        } catch (AssertionError e) {
            throw new IOException("tls channel: " + e);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        try {
            return super.write(src);
        } catch (AssertionError e) {
            throw new IOException("tls channel: " + e);
        }
    }

    @Override
    public int readMore(ByteBuffer dst) throws SSLException {
        try {
            return super.readMore(dst);
        } catch (AssertionError e) {
            throw new SSLException("tls channel: " + e);
        }
    }

    @Override
    public void writeMore() throws IOException {
        try {
            super.writeMore();
        } catch (AssertionError e) {
            throw new IOException("tls channel: " + e);
        }
    }
}
