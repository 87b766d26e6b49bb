package dev.vortex.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.render.AmbiguousCommitException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one HTTP handler: matches method + path pattern ({@code /api/v1/repos/{name}}) to a
 * {@link Handler}, falls back to the Spring paths, and turns every failure into a JSON error.
 * Counts {@code vortex_http_requests_total{route,code}} and the request duration.
 */
public final class Router implements HttpHandler {
    private static final Log LOG = Log.of(Router.class);
    static final int MAX_URI = 8 * 1024;

    private final List<Route> routes = new ArrayList<>();
    private final Metrics.Counter requests;
    private final Metrics.Histogram duration;
    private Handler fallback;

    public Router(Metrics metrics) {
        this.requests = metrics.counter("vortex_http_requests_total", "HTTP requests by route and status code", "route", "code");
        this.duration = metrics.histogram("vortex_http_request_duration_seconds", "HTTP request duration",
                Metrics.latencyBuckets(), "route");
    }

    public Router get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    /** Everything no route matched (the Spring configuration paths). */
    public Router fallback(Handler handler) {
        this.fallback = handler;
        return this;
    }

    private Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern, pattern.split("/", -1), handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        try (exchange) {
            Outcome o = dispatch(exchange);
            int code = o.request != null && o.request.status() != 0 ? o.request.status() : exchange.getResponseCode();
            requests.inc(o.route, Integer.toString(code));
            duration.observeSince(start, o.route);
        }
    }

    private record Outcome(String route, Request request) {
    }

    // Runs the matching handler and answers every failure while the exchange is still open.
    private Outcome dispatch(HttpExchange exchange) {
        String route = "unmatched";
        Request request = null;
        try {
            String raw = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestURI().toString().length() > MAX_URI) {
                throw new ApiException(414, "request URI is longer than 8 KiB");
            }
            String path = decode(raw);
            String[] rawSegments = raw.split("/", -1);
            Set<String> allowed = new TreeSet<>();
            Match match = null;
            for (Route r : routes) {
                Map<String, String> params = r.match(rawSegments);
                if (params == null) {
                    continue;
                }
                String method = exchange.getRequestMethod();
                if (r.method.equals(method) || (r.method.equals("GET") && method.equals("HEAD"))) {
                    match = new Match(r, params);
                    break;
                }
                allowed.add(r.method);
            }
            if (match != null) {
                route = match.route.pattern;
                request = new Request(exchange, path, match.params);
                match.route.handler.handle(request);
            } else if (!allowed.isEmpty()) {
                route = "method_not_allowed";
                request = new Request(exchange, path, Map.of());
                exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
                throw new ApiException(405, exchange.getRequestMethod() + " is not allowed here (allowed: " + String.join(", ", allowed) + ")");
            } else if (fallback != null && rawSegments.length > 1 && !rawSegments[1].isEmpty()) {
                route = "config";
                request = new Request(exchange, path, Map.of());
                fallback.handle(request);
            } else {
                request = new Request(exchange, path, Map.of());
                throw new ApiException(404, "no such resource");
            }
        } catch (ApiException e) {
            answerError(exchange, request, e.status(), e.getMessage());
        } catch (AmbiguousCommitException e) {
            answerError(exchange, request, 400, e.getMessage());
        } catch (IOException e) {
            // the client went away mid-answer; nothing left to tell it
            LOG.debug("http write failed", "path", exchange.getRequestURI().getRawPath(), "err", e.getMessage());
        } catch (Exception e) {
            LOG.error("http handler failed", e, "method", exchange.getRequestMethod(), "route", route);
            answerError(exchange, request, 500, "internal error; see the server log");
        }
        return new Outcome(route, request);
    }

    private static void answerError(HttpExchange exchange, Request request, int status, String message) {
        if (exchange.getResponseCode() != -1) {
            return; // already answered
        }
        try {
            Request r = request != null ? request : new Request(exchange, exchange.getRequestURI().getRawPath(), Map.of());
            r.error(status, message);
        } catch (IOException | RuntimeException e) {
            LOG.debug("http error answer failed", "status", status, "err", e.getMessage());
        }
    }

    static String decode(String raw) {
        try {
            // '+' is a literal plus in a path, not a space
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "malformed percent-encoding in path");
        }
    }

    private record Match(Route route, Map<String, String> params) {
    }

    private record Route(String method, String pattern, String[] parts, Handler handler) {
        /** Path parameters when the raw path matches, else null. Matching happens on raw segments so {@code %2F} stays inside one. */
        Map<String, String> match(String[] rawSegments) {
            if (rawSegments.length != parts.length) {
                return null;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.startsWith("{") && p.endsWith("}")) {
                    if (rawSegments[i].isEmpty()) {
                        return null;
                    }
                    params.put(p.substring(1, p.length() - 1), decode(rawSegments[i]));
                } else if (!p.equals(rawSegments[i])) {
                    return null;
                }
            }
            return params;
        }
    }
}
