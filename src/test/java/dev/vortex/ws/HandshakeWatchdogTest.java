package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.ops.Metrics;
import dev.vortex.testing.FakeClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft_6455;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat's handshake watchdog and the opening of a session decide a handshake that ends
 * just as its pong timeout runs out between them: it is either served or dropped, never given a
 * session and then cut off without a close frame (a client saw its snapshot, then 1006).
 */
class HandshakeWatchdogTest {
    private final FakeClock clock = new FakeClock();
    private final Heartbeat heartbeat = new Heartbeat(WsFixture::config, clock, List::of, new WsMetrics(new Metrics()), () -> {
    });

    @Test
    void droppedFirst_openingFindsItTaken() {
        WebSocketImpl conn = handshaking();
        clock.advance(WsFixture.config().pongTimeout());
        heartbeat.beat();

        assertTrue(conn.isClosed());
        assertFalse(heartbeat.opened(conn), "the session must not start: the watchdog took it");
    }

    @Test
    void openedFirst_watchdogLeavesIt() {
        WebSocketImpl conn = handshaking();
        assertTrue(heartbeat.opened(conn));
        clock.advance(WsFixture.config().pongTimeout().plus(Duration.ofSeconds(1)));
        heartbeat.beat();

        assertFalse(conn.isClosed());
    }

    /** A connection accepted now whose handshake has not ended; its listener does nothing. */
    private WebSocketImpl handshaking() {
        WebSocketListener quiet = (WebSocketListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketListener.class}, (proxy, method, args) -> null);
        WebSocketImpl conn = new WebSocketImpl(quiet, new Draft_6455());
        heartbeat.accepted(conn);
        return conn;
    }
}
