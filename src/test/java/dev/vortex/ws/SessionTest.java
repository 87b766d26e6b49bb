package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.Test;

class SessionTest {
    /** A send queue the test drains by hand, like a socket taking frames. */
    private static final class FakeWire implements Session.Wire {
        final List<ByteBuffer> queue = new ArrayList<>();
        int wakes;

        @Override
        public int pending(WebSocket conn) {
            return queue.size();
        }

        @Override
        public void write(WebSocket conn, ByteBuffer frame) {
            queue.add(frame);
            wakes++;
        }

        @Override
        public void queue(WebSocket conn, ByteBuffer frame) {
            queue.add(frame);
        }

        @Override
        public void wake(WebSocket conn) {
            wakes++;
        }

        void written(int frames) {
            queue.subList(0, frames).clear();
        }
    }

    private static final WebSocket OPEN = (WebSocket) Proxy.newProxyInstance(WebSocket.class.getClassLoader(),
            new Class<?>[] {WebSocket.class}, (p, m, a) -> m.getName().equals("isOpen") ? true : null);

    private static Frame frame(int payload) {
        return Frame.text("t", FrameTest.written(utf8("x".repeat(payload))));
    }

    @Test
    void offer_countsWhatTheSocketHasNotTaken_andRefusesOverTheMessageBound() {
        FakeWire wire = new FakeWire();
        Session s = new Session(OPEN, wire, 0);

        for (int i = 0; i < 3; i++) {
            assertEquals(Session.Offer.SENT, s.offer(frame(10), 3, 1 << 20));
        }
        assertEquals(3, s.queuedMessages());
        wire.written(2);
        assertEquals(Session.Offer.SENT, s.offer(frame(10), 3, 1 << 20));
        assertEquals(2, s.queuedMessages());
        assertEquals(Session.Offer.SENT, s.offer(frame(10), 3, 1 << 20));
        assertEquals(Session.Offer.OVERFLOW, s.offer(frame(10), 3, 1 << 20));
        assertTrue(s.isShut());
        assertEquals(Session.Offer.CLOSED, s.offer(frame(10), 3, 1 << 20));
        assertEquals(3, wire.queue.size(), "nothing queued once over the bound");
    }

    @Test
    void offer_refusesOverTheByteBound_butAnIdleSessionTakesOneBigFrame() {
        FakeWire wire = new FakeWire();
        Session s = new Session(OPEN, wire, 0);

        assertEquals(Session.Offer.SENT, s.offer(frame(5000), 100, 1000));
        assertEquals(5004, s.queuedBytes(), "4-byte header + 5000");
        wire.written(1);
        assertEquals(Session.Offer.SENT, s.offer(frame(400), 100, 1000));
        assertEquals(Session.Offer.SENT, s.offer(frame(400), 100, 1000));
        assertEquals(Session.Offer.OVERFLOW, s.offer(frame(400), 100, 1000));
    }

    @Test
    void libraryFramesInTheQueue_onlyMakeTheCountConservative() {
        FakeWire wire = new FakeWire();
        Session s = new Session(OPEN, wire, 0);
        s.offer(frame(1), 10, 1000);
        wire.queue.add(ByteBuffer.allocate(2)); // a ping the library queued itself
        s.offer(frame(1), 10, 1000);
        wire.written(3);
        s.trim();
        assertEquals(0, s.queuedMessages());
        assertEquals(0, s.queuedBytes());
    }

    @Test
    void quietOffers_queueWithoutWakingTheWriter_untilWake() {
        FakeWire wire = new FakeWire();
        Session a = new Session(OPEN, wire, 0);
        Session b = new Session(OPEN, wire, 0);
        assertEquals(Session.Offer.SENT, a.offer(frame(10), 10, 1000, true));
        assertEquals(Session.Offer.SENT, b.offer(frame(10), 10, 1000, true));
        assertEquals(2, wire.queue.size());
        assertEquals(0, wire.wakes);
        b.wake();
        assertEquals(1, wire.wakes);
        a.offer(frame(10), 10, 1000); // a single frame wakes the writer itself
        assertEquals(2, wire.wakes);
    }

    @Test
    void everyOfferGetsItsOwnViewOfTheSharedBytes() {
        FakeWire wire = new FakeWire();
        Frame f = frame(100);
        new Session(OPEN, wire, 0).offer(f, 10, 1000);
        new Session(OPEN, wire, 0).offer(f, 10, 1000);
        wire.queue.get(0).position(50);
        assertEquals(0, wire.queue.get(1).position());
        assertEquals(102, wire.queue.get(1).remaining());
    }

    @Test
    void beat_pingsWhenDue_losesWithoutPongInTime() {
        Session s = new Session(OPEN, new FakeWire(), 1_000);
        assertEquals(Session.Beat.NONE, s.beat(30_999, 30_000, 10_000));
        assertEquals(Session.Beat.PING, s.beat(31_000, 30_000, 10_000));
        assertEquals(Session.Beat.NONE, s.beat(40_999, 30_000, 10_000));
        assertEquals(Session.Beat.LOST, s.beat(41_000, 30_000, 10_000));

        Session answered = new Session(OPEN, new FakeWire(), 0);
        answered.beat(30_000, 30_000, 10_000);
        answered.pong();
        assertFalse(answered.awaitingPong());
        assertEquals(Session.Beat.NONE, answered.beat(59_999, 30_000, 10_000));
        assertEquals(Session.Beat.PING, answered.beat(60_000, 30_000, 10_000));
    }

    @Test
    void allowMessage_countsPerOneSecondWindow() {
        Session s = new Session(OPEN, new FakeWire(), 0);
        for (int i = 0; i < 100; i++) {
            assertTrue(s.allowMessage(5_000 + i, 100));
        }
        assertFalse(s.allowMessage(5_999, 100));
        assertTrue(s.allowMessage(6_000, 100), "a new window");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
