/**
 * Real-time push over WebSocket (PROTOCOL.md): sessions, subscriptions and pattern expansion,
 * fan-out of RFC 6902 diffs, resync, heartbeat and inbound/outbound limits.
 *
 * <p>{@link dev.vortex.ws.WsServer} is the endpoint the composition root starts;
 * {@link dev.vortex.ws.ConfigFeed} is the seam through which it reads effective configurations
 * (implemented over render and state), {@link dev.vortex.ws.TokenCheck} decides who connects (the principal whose watch scopes bound the session).
 * Inside, {@code Hub} owns every subscription on one thread and renders each distinct target once
 * per change; {@code Session} holds one connection's bounded outbound queue.
 */
package dev.vortex.ws;
