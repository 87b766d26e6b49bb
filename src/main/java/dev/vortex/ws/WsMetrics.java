package dev.vortex.ws;

import dev.vortex.ops.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** The WebSocket server's counters; every message type, close code and refusal reason it produces has a sample from the start. */
final class WsMetrics {
    final Metrics.Counter sent;
    final Metrics.Counter bytesSent;
    final Metrics.Counter closed;
    final Metrics.Counter overflows;
    final Metrics.Counter stalledWrites;
    private final Metrics.Counter rejected;
    // sent's series by message type, found without a label list made per message
    private final Map<String, DoubleAdder> sentByType = new ConcurrentHashMap<>();

    WsMetrics(Metrics metrics) {
        this.sent = metrics.counter("vortex_ws_messages_sent_total", "Messages handed to WebSocket sessions, by type.", "type");
        this.bytesSent = metrics.counter("vortex_ws_bytes_sent_total", "Bytes (frames, compressed where negotiated) handed to WebSocket sessions.");
        this.closed = metrics.counter("vortex_ws_closed_total", "WebSocket connections closed, by close code.", "code");
        this.overflows = metrics.counter("vortex_ws_queue_overflows_total", "Sessions closed 1013 because their outbound queue went over its bound.");
        this.stalledWrites = metrics.counter("vortex_ws_stalled_writes_total",
                "Connections whose queued frames nothing would write (the library lost their write interest), resumed by the heartbeat.");
        this.rejected = metrics.counter("vortex_ws_rejected_total", "Connections refused right after the upgrade, by reason.", "reason");
        for (String type : List.of("config_snapshot", "config_change", "error", "subscribed", "unsubscribed")) {
            metrics.startAtZero("vortex_ws_messages_sent_total", type);
        }
        for (int code : new int[] {1000, 1001, 1002, 1006, 1007, 1008, 1009, 1011, CloseCodes.TRY_AGAIN_LATER,
                CloseCodes.BAD_REQUEST, CloseCodes.UNAUTHORIZED, CloseCodes.NOT_FOUND}) {
            metrics.startAtZero("vortex_ws_closed_total", Integer.toString(code));
        }
        for (String reason : List.of("bad request", "unauthorized", "too many sessions", "unknown application", "unknown label",
                "handshake timeout", "handshake too large")) {
            metrics.startAtZero("vortex_ws_rejected_total", reason.replace(' ', '_'));
        }
    }

    /** A connection refused for {@code reason} (one of the reasons above). */
    void refused(String reason) {
        rejected.inc(reason.replace(' ', '_'));
    }

    /** {@code n} sessions were handed the frame, {@code bytes} in all. */
    void sent(Frame f, int n, long bytes) {
        if (n > 0) {
            sentByType.computeIfAbsent(f.type(), sent::series).add(n);
            bytesSent.add((double) bytes);
        }
    }
}
