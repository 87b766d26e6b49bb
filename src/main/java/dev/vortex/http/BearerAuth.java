package dev.vortex.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.vortex.ops.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Guards the admin API ({@code /api/v1/…}) with bearer tokens when a tokens file is configured.
 * Configuration, {@code /health}, {@code /ready}, {@code /metrics}, the status page and
 * {@code /api/v1/info} stay open; {@code /monitor} is guarded by the webhook secret instead.
 */
public final class BearerAuth extends Filter {
    private static final Set<String> OPEN = Set.of("/api/v1/info");

    private final Tokens tokens;

    public BearerAuth(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (!tokens.required() || !path.startsWith("/api/") || OPEN.contains(path)) {
            chain.doFilter(ex);
            return;
        }
        String presented = Tokens.bearer(ex.getRequestHeaders().getFirst("Authorization")).orElse(null);
        if (tokens.accepts(presented)) {
            chain.doFilter(ex);
            return;
        }
        try (ex) {
            String message = presented == null ? "this endpoint needs an Authorization: Bearer token" : "the bearer token is not valid";
            byte[] body = new com.fasterxml.jackson.databind.ObjectMapper()
                    .writeValueAsString(Request.errorBody(401, message, path)).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vortex\"");
            ex.sendResponseHeaders(401, body.length);
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public String description() {
        return "bearer token check for /api/v1";
    }
}
