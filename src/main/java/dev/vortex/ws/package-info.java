/**
 * Real-time push over WebSocket (PROTOCOL.md): sessions, subscriptions and pattern expansion,
 * fan-out of RFC 6902 diffs, resync, heartbeat and inbound/outbound limits.
 *
 * <p>{@link dev.vortex.ws.WsServer} is the endpoint the composition root starts;
 * {@link dev.vortex.ws.ConfigFeed} is the seam through which it reads effective configurations
 * ({@link dev.vortex.ws.RenderedFeed} over render's {@code CommitSource} and {@code Renderer}; ws
 * never reaches git), {@link dev.vortex.ws.TokenCheck} decides who connects (the principal whose
 * watch scopes bound the session).
 *
 * <p>Inside, by concern:
 * <ul>
 * <li>connections: {@code Endpoint} (the Java-WebSocket adapter: its server, connection factory,
 *     callbacks, {@code BoundedHandshake}, {@code TlsChannel}), {@code ClientDraft} (masking, one
 *     frame at a time to the library) with {@code PermessageDeflate} (RFC 7692 negotiation, bounded
 *     inflation), {@code Connections} (admission, inbound rate, close), {@code Heartbeat} (pings,
 *     pong timeout, handshake watchdog, forced closes, writes the library lost);</li>
 * <li>the hub thread: {@code Hub} (thread hop, change fan-out to the applications a commit touched,
 *     reconfigure, the pacing tick), {@code ClientRequests} (connect subscription, subscribe,
 *     changes-only subscribe, unsubscribe, resync), {@code Subscriptions} ({@code Channel} per target,
 *     {@code PatternEntry} per pattern), {@code ChangesOnly} (the fan-out to changes-only patterns),
 *     {@code Parallel} (a change's renders on virtual threads), {@code GuardedFeed} (the feed,
 *     failures logged and read as empty), {@code Delivery} (frames out of the hub, with flow control
 *     of the server's own bursts per session);</li>
 * <li>output: {@code Outbound} (bounded queues, 1013 on overflow) over each {@code Session}'s
 *     queue accounting; {@code Messages} and {@code Frame} serialize, frame and (for deflating
 *     sessions) compress each message once.</li>
 * </ul>
 */
package dev.vortex.ws;
