package dev.vortex.ws;

import dev.vortex.ops.Principal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.java_websocket.WebSocket;

/**
 * One accepted WebSocket connection: its id, its subscriptions (touched only by the hub
 * thread), its bounded outbound queue, its heartbeat state and its inbound rate window.
 *
 * <p>The outbound queue is the library's own send queue with a bound we enforce in front of
 * it: {@link #offer} never blocks, and refuses once the frames we handed over and the socket
 * has not yet taken exceed {@code maxMessages} or {@code maxBytes}. We learn what was written
 * from the library queue's length: it is FIFO, so when it holds k frames, every frame of ours
 * older than the newest k has gone out.
 */
final class Session {
    /** What {@link #offer} did with a frame. */
    enum Offer { SENT, OVERFLOW, CLOSED }

    /** What the heartbeat should do with this session now. */
    enum Beat { NONE, PING, LOST }

    /** How a frame reaches the socket; the production one is the library's send queue. */
    interface Wire {
        /** Frames waiting in the connection's send queue (ours and the library's own). */
        int pending(WebSocket conn);

        /** Appends a complete frame to the connection's send queue and asks for a write. */
        void write(WebSocket conn, ByteBuffer frame);

        /**
         * {@link #write} without waking the thread that writes the sockets: a batch of frames to many
         * connections wakes it once ({@link #wake}) instead of once per frame, so it does not take turns
         * with the batch for the CPU.
         */
        default void queue(WebSocket conn, ByteBuffer frame) {
            write(conn, frame);
        }

        /** Wakes the thread that writes {@code conn}'s socket, after frames were {@link #queue queued}. */
        default void wake(WebSocket conn) {
        }
    }

    final UUID id = UUID.randomUUID();
    final WebSocket conn;
    private final Wire wire;
    private volatile boolean closed;

    /** Hub thread only: the patterns the session holds, in subscription order. */
    private List<Held> held = List.of();

    // Outbound accounting (guarded by this): sizes of our frames still in the send queue, a ring
    // allocated lazily and released when drained, so an idle session holds no buffer.
    private int[] sizes;
    private int head;
    private int count;
    private long bytes;
    private boolean shut;

    // Heartbeat: written by the heartbeat thread, the pong by the connection's worker thread.
    private volatile long lastPingMillis;
    private volatile long pingSentMillis = -1;

    // Inbound rate window: only the connection's worker thread reads messages.
    private long windowStart = Long.MIN_VALUE;
    private int windowCount;

    /** Who opened the session: its watch scopes bound what it is sent. */
    final Principal principal;
    /** Whether the connection negotiated permessage-deflate. */
    final boolean deflate;

    Session(WebSocket conn, Wire wire, long nowMillis) {
        this(conn, wire, nowMillis, Principal.ANYONE, false);
    }

    /** {@code deflate}: the connection negotiated permessage-deflate, so it is sent {@link Frame#deflatedView}s. */
    Session(WebSocket conn, Wire wire, long nowMillis, Principal principal, boolean deflate) {
        this.conn = conn;
        this.wire = wire;
        this.lastPingMillis = nowMillis;
        this.principal = principal;
        this.deflate = deflate;
    }

    boolean mayWatch(Target t) {
        return principal.mayWatch(t.app());
    }

    /** A pattern the session holds: the client's text and the hub's shared entry for it. */
    record Held(String text, PatternEntry entry) {
    }

    // ---- subscriptions (hub thread) ----

    List<Held> held() {
        return held;
    }

    void hold(String text, PatternEntry entry) {
        for (Held h : held) {
            if (h.text().equals(text)) {
                return;
            }
        }
        List<Held> next = new ArrayList<>(held.size() + 1);
        next.addAll(held);
        next.add(new Held(text, entry));
        held = List.copyOf(next);
    }

    /** Drops every pattern that uses {@code entry}; true when one was held. */
    boolean release(PatternEntry entry) {
        List<Held> next = new ArrayList<>(held);
        boolean removed = next.removeIf(h -> h.entry() == entry);
        held = List.copyOf(next);
        return removed;
    }

    List<String> patterns() {
        return held.stream().map(Held::text).toList();
    }

    /** Every target the session's patterns currently match that its principal may watch. */
    Set<Target> targets() {
        Set<Target> out = new HashSet<>();
        for (Held h : held) {
            for (Target t : h.entry().matched) {
                if (mayWatch(t)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    // ---- outbound ----

    /** Queues a frame without blocking; over the bound the session is marked shut and nothing is queued. */
    Offer offer(Frame frame, int maxMessages, long maxBytes) {
        return offer(frame, maxMessages, maxBytes, false);
    }

    /** {@link #offer} that leaves the socket writer asleep when {@code quiet}: the caller {@link #wake}s it after a batch. */
    synchronized Offer offer(Frame frame, int maxMessages, long maxBytes, boolean quiet) {
        if (shut || !conn.isOpen()) {
            return Offer.CLOSED;
        }
        drain(wire.pending(conn));
        int size = frame.size(deflate);
        // A single frame larger than the byte bound still goes to an otherwise idle session.
        if (count > 0 && (count + 1 > maxMessages || bytes + size > maxBytes)) {
            shut = true;
            sizes = null;
            count = 0;
            bytes = 0;
            return Offer.OVERFLOW;
        }
        push(size);
        ByteBuffer bytes = deflate ? frame.deflatedView() : frame.view();
        if (quiet) {
            wire.queue(conn, bytes);
        } else {
            wire.write(conn, bytes);
        }
        return Offer.SENT;
    }

    /** Wakes the socket writer for frames {@link #offer offered} quietly. */
    void wake() {
        wire.wake(conn);
    }

    /** Stops all further output (the session is being refused or closed). */
    synchronized void shut() {
        shut = true;
        sizes = null;
        count = 0;
        bytes = 0;
    }

    synchronized boolean isShut() {
        return shut;
    }

    /** Forgets frames already written and releases the ring when nothing is pending. */
    synchronized void trim() {
        if (sizes != null) {
            drain(wire.pending(conn));
        }
    }

    synchronized int queuedMessages() {
        return count;
    }

    synchronized long queuedBytes() {
        return bytes;
    }

    private void drain(int pendingInLibrary) {
        while (count > pendingInLibrary) {
            bytes -= sizes[head];
            head = (head + 1) % sizes.length;
            count--;
        }
        if (count == 0) {
            sizes = null;
            head = 0;
            bytes = 0;
        }
    }

    private void push(int size) {
        if (sizes == null) {
            sizes = new int[8];
            head = 0;
        } else if (count == sizes.length) {
            int[] bigger = new int[sizes.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = sizes[(head + i) % sizes.length];
            }
            sizes = bigger;
            head = 0;
        }
        sizes[(head + count) % sizes.length] = size;
        count++;
        bytes += size;
    }

    // ---- heartbeat ----

    Beat beat(long nowMillis, long pingMillis, long pongTimeoutMillis) {
        long sent = pingSentMillis;
        if (sent >= 0) {
            return nowMillis - sent >= pongTimeoutMillis ? Beat.LOST : Beat.NONE;
        }
        if (nowMillis - lastPingMillis >= pingMillis) {
            lastPingMillis = nowMillis;
            pingSentMillis = nowMillis;
            return Beat.PING;
        }
        return Beat.NONE;
    }

    void pong() {
        pingSentMillis = -1;
    }

    boolean awaitingPong() {
        return pingSentMillis >= 0;
    }

    // ---- inbound ----

    /** Counts one client message; false when it is more than {@code max} within one second. */
    boolean allowMessage(long nowMillis, int max) {
        if (windowStart == Long.MIN_VALUE || nowMillis - windowStart >= 1000) {
            windowStart = nowMillis;
            windowCount = 0;
        }
        return ++windowCount <= max;
    }

    // ---- lifecycle ----

    /** True exactly once, for whoever notices the close first. */
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
