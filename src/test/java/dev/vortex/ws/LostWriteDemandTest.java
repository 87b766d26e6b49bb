package dev.vortex.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.FakeClock;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import org.java_websocket.WebSocketImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state Java-WebSocket's write-demand race leaves a connection in (see
 * {@link Endpoint#stalledWrite}), made on purpose against a real server and a real client: a frame
 * in the connection's send queue, the selection key back to OP_READ. The heartbeat resumes the
 * write at the beat after the one that first saw it, and counts it.
 */
class LostWriteDemandTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final WsFixture fx = new WsFixture();
    private final FakeClock clock = new FakeClock();
    private WsServer server;
    private TestClient client;
    private WebSocketImpl conn;

    @BeforeEach
    void connect() {
        server = fx.start(WsFixture.config(), TokenCheck.open(), clock);
        client = fx.client(server, "/ws");
        await().atMost(WAIT).until(() -> server.sessions().size() == 1);
        conn = (WebSocketImpl) server.sessions().getFirst().conn;
        await().atMost(WAIT).until(() -> conn.outQueue.isEmpty() && !writeArmed());
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void frameLeftWithoutWriteInterest_sentAtTheNextBeat_counted() {
        ByteBuffer stalled = stall("STALLED");

        server.heartbeat();
        assertSame(stalled, conn.outQueue.peek(), "one beat only notes it: the clock has not moved, nothing writes it");
        assertEquals(0, fx.counter("vortex_ws_stalled_writes_total"));

        clock.advance(Duration.ofSeconds(1));
        server.heartbeat();
        assertEquals("STALLED", client.next("error").path("code").asText());
        assertEquals(1, fx.counter("vortex_ws_stalled_writes_total"));

        clock.advance(Duration.ofSeconds(1));
        server.heartbeat();
        assertEquals(1, fx.counter("vortex_ws_stalled_writes_total"), "counted once");
        assertTrue(client.isOpen());
    }

    @Test
    void stallALaterFrameEnded_notCounted() {
        stall("STALLED");
        server.heartbeat();

        client.sendJson("{\"type\":\"dance\"}"); // its BAD_MESSAGE answer demands a write, which takes the stalled frame along
        assertEquals("STALLED", client.next("error").path("code").asText());
        assertEquals("BAD_MESSAGE", client.next("error").path("code").asText());
        await().atMost(WAIT).until(() -> conn.outQueue.isEmpty());

        clock.advance(Duration.ofSeconds(1));
        server.heartbeat();
        assertEquals(0, fx.counter("vortex_ws_stalled_writes_total"));
    }

    @Test
    void closedConnection_neverStalled_resumingItIsHarmless() {
        stall("STALLED");
        conn.closeConnection(1006, "gone");

        assertNull(Endpoint.stalledWrite(conn), "a closed connection writes nothing more");
        Endpoint.resumeStalledWrite(conn);
        clock.advance(Duration.ofSeconds(1));
        server.heartbeat();
        assertEquals(0, fx.counter("vortex_ws_stalled_writes_total"));
    }

    /** Queues an error message as the race leaves it: in the send queue, no write interest, no wakeup. */
    private ByteBuffer stall(String code) {
        ByteBuffer frame = new Messages(clock).error(code, "queued without write interest").view();
        conn.outQueue.add(frame);
        assertSame(frame, Endpoint.stalledWrite(conn));
        return frame;
    }

    private boolean writeArmed() {
        return (conn.getSelectionKey().interestOps() & SelectionKey.OP_WRITE) != 0;
    }
}
