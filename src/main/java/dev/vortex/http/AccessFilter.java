package dev.vortex.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.vortex.ops.AttemptLimiter;
import dev.vortex.ops.ClientCertificate;
import dev.vortex.ops.Json;
import dev.vortex.ops.Principal;
import dev.vortex.ops.Principals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may call what. {@code /health}, {@code /ready}, {@code /api/v1/info}, the status page's
 * static files, {@code /monitor} (guarded by the webhook secret) and peer notices (signed) are always open. With any
 * credential file configured, the admin API ({@code /api/…}, {@code /encrypt}, {@code /decrypt})
 * needs an {@code admin} principal. With a principals file, configuration paths need a principal
 * (its read scope is checked by the handler, which knows the application) and {@code /metrics}
 * and the status page need {@code admin} unless listed in {@code auth.open-paths}.
 *
 * <p>A request with wrong credentials counts against its address; an address over the limit gets
 * 429 with {@code Retry-After}. Without an {@code Authorization} header, a verified client
 * certificate names the principal ({@code certificate: true} in the principals file). The principal
 * found is kept on the exchange ({@link #principal}).
 */
public final class AccessFilter extends Filter {
    private static final String ATTRIBUTE = "vortex.principal";
    private static final Set<String> ALWAYS_OPEN = Set.of("/health", "/ready", "/api/v1/info", "/monitor", ClusterHandler.NOTICE_PATH);

    private final Principals principals;
    private final Supplier<List<String>> openPaths;
    private final AttemptLimiter limiter;

    /** {@code openPaths}: {@code auth.open-paths} as currently configured (a reload may change it). */
    public AccessFilter(Principals principals, Supplier<List<String>> openPaths, AttemptLimiter limiter) {
        this.principals = principals;
        this.openPaths = openPaths;
        this.limiter = limiter;
    }

    /** The principal the filter let through; {@link Principal#ANYONE} when none is required. */
    static Principal principal(HttpExchange ex) {
        return ex.getAttribute(ATTRIBUTE) instanceof Principal p ? p : Principal.ANYONE;
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Need need = need(path);
        if (need == Need.NOTHING) {
            chain.doFilter(ex);
            return;
        }
        String address = ex.getRemoteAddress().getAddress().getHostAddress();
        long wait = limiter.retryAfterSeconds(address);
        if (wait > 0) {
            refuse(ex, 429, "too many failed authentication attempts from this address; retry later", path,
                    "Retry-After", Long.toString(wait));
            return;
        }
        Principals.Outcome outcome = principals.authenticate(ex.getRequestHeaders().getFirst("Authorization"),
                ex instanceof HttpsExchange https ? ClientCertificate.names(https.getSSLSession()) : List.of());
        switch (outcome) {
            case Principals.Known k -> {
                if (need == Need.ADMIN && !k.principal().admin()) {
                    refuse(ex, 403, "principal '" + k.principal().name() + "' has no admin scope", path);
                    return;
                }
                ex.setAttribute(ATTRIBUTE, k.principal());
                chain.doFilter(ex);
            }
            case Principals.Wrong w -> {
                limiter.failed(address);
                challenge(ex, "the credentials are not valid", path);
            }
            case Principals.Absent a -> challenge(ex, principals.scoped()
                    ? "this path needs credentials (HTTP Basic or an Authorization: Bearer token)"
                    : "this endpoint needs an Authorization: Bearer token", path);
        }
    }

    private enum Need { NOTHING, PRINCIPAL, ADMIN }

    private Need need(String path) {
        if (!principals.required() || ALWAYS_OPEN.contains(path) || path.startsWith("/static/")) {
            return Need.NOTHING;
        }
        if (path.startsWith("/api/") || EncryptHandler.PATHS.contains(path)) {
            return Need.ADMIN;
        }
        if (!principals.scoped()) {
            return Need.NOTHING; // only the old tokens file: configuration, metrics and the status page stay open
        }
        if (OPS.contains(path)) {
            return openPaths.get().contains(path) ? Need.NOTHING : Need.ADMIN;
        }
        return Need.PRINCIPAL;
    }

    private static final Set<String> OPS = Set.of("/metrics", "/");

    // Basic first when there are principals (browsers and Spring clients use it); the old tokens file knows only Bearer
    private void challenge(HttpExchange ex, String message, String path) throws IOException {
        if (principals.scoped()) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"vortex\", charset=\"UTF-8\"");
        }
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"vortex\"");
        refuse(ex, 401, message, path);
    }

    private static void refuse(HttpExchange ex, int status, String message, String path, String... header) throws IOException {
        try (ex) {
            byte[] body = Json.mapper().writeValueAsBytes(Request.errorBody(status, message, path));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (header.length == 2) {
                ex.getResponseHeaders().set(header[0], header[1]);
            }
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public String description() {
        return "principal and scope check";
    }
}
