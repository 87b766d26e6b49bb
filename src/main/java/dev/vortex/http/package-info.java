/**
 * The REST surface on the JDK's {@code com.sun.net.httpserver}: {@link dev.vortex.http.HttpApi}
 * (server, limits, access log), {@link dev.vortex.http.Router} (routes with path parameters, JSON
 * errors, request metrics) and {@link dev.vortex.http.Request}; the route groups
 * {@link dev.vortex.http.ConfigHandler} (Spring Cloud Config paths), {@link dev.vortex.http.DiffHandler},
 * {@link dev.vortex.http.AdminHandlers} (status, refresh), {@link dev.vortex.http.WebhookHandler}
 * ({@code POST /monitor}), {@link dev.vortex.http.OpsHandlers} (health, readiness, metrics),
 * {@link dev.vortex.http.StatusPage} ({@code GET /}, its static files, {@code /api/v1/info}) and
 * {@link dev.vortex.http.AccessFilter}. Uses render, state, sync, config and ops; never ws.
 */
package dev.vortex.http;
