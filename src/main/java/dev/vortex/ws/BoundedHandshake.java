package dev.vortex.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import org.java_websocket.WebSocket;
import org.java_websocket.enums.ReadyState;

/**
 * A connection's socket as the library reads it, failing the read once a client has sent more
 * than {@code limit} bytes before its connection is open. The library keeps an unfinished opening
 * handshake without bound and parses all of it again on every read, so an endless header would
 * cost memory and keep a decoder thread busy. A client sends nothing but its handshake before the
 * server answers (RFC 6455 §4.1), so the bound only has to exceed a large handshake.
 */
final class BoundedHandshake implements ByteChannel {
    private final SocketChannel channel;
    private final WebSocket conn;
    private final int limit;
    private final Runnable onRefused;
    private long readBeforeOpen; // selector thread only

    BoundedHandshake(SocketChannel channel, WebSocket conn, int limit, Runnable onRefused) {
        this.channel = channel;
        this.conn = conn;
        this.limit = limit;
        this.onRefused = onRefused;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = channel.read(dst);
        if (n > 0 && conn.getReadyState() == ReadyState.NOT_YET_CONNECTED) {
            readBeforeOpen += n;
            if (readBeforeOpen > limit) {
                onRefused.run();
                throw new IOException("opening handshake over " + limit + " bytes"); // the library closes the connection
            }
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
