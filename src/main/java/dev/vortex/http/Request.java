package dev.vortex.http;

import com.sun.net.httpserver.HttpExchange;
import dev.vortex.ops.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP exchange as the handlers see it: decoded path, path and query parameters, a bounded
 * body, and the ways to answer (JSON, bytes, empty, error). Exactly one answer per request.
 */
public final class Request {
    static final int MAX_BODY = 1024 * 1024;

    private final HttpExchange exchange;
    private final String path;
    private final Map<String, String> params;
    private final Map<String, String> query;
    private int status;

    Request(HttpExchange exchange, String path, Map<String, String> params) {
        this.exchange = exchange;
        this.path = path;
        this.params = params;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The percent-decoded path. */
    public String path() {
        return path;
    }

    /** The path as sent, still percent-encoded. */
    public String rawPath() {
        return exchange.getRequestURI().getRawPath();
    }

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("route has no parameter {" + name + "}");
        }
        return v;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** True when the query names {@code name}, with or without a value ({@code ?useDefaultLabel}). */
    public boolean hasQuery(String name) {
        return query.containsKey(name);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    /** True when the request's {@code If-None-Match} names {@code etag} (the caller answers 304 then). */
    public boolean ifNoneMatch(String etag) {
        return header("If-None-Match").map(v -> namesEtag(v, etag)).orElse(false);
    }

    /** True when an {@code If-None-Match} value ({@code *} or a list) names {@code etag}; a weak tag counts (RFC 9110 weak comparison). */
    static boolean namesEtag(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** The request body, at most 1 MiB. */
    public byte[] body() throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new ApiException(413, "request body is larger than 1 MiB");
            }
            return b;
        }
    }

    /** Who sent the request ({@link dev.vortex.ops.Principal#ANYONE} when no authentication is configured). */
    public dev.vortex.ops.Principal principal() {
        return AccessFilter.principal(exchange);
    }

    public HttpExchange exchange() {
        return exchange;
    }

    public void json(int status, Object body) throws IOException {
        bytes(status, "application/json", Json.mapper().writeValueAsBytes(body), Map.of());
    }

    public void bytes(int status, String contentType, byte[] body, Map<String, String> extraHeaders) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        extraHeaders.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean head = method().equals("HEAD");
        this.status = status;
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public void empty(int status, Map<String, String> extraHeaders) throws IOException {
        extraHeaders.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        this.status = status;
        exchange.sendResponseHeaders(status, -1);
    }

    public void error(int status, String message) throws IOException {
        json(status, errorBody(status, message, path));
    }

    /** The error body every failure answers with: {@code {"status","error","message","path"}}. */
    static Map<String, Object> errorBody(int status, String message, String path) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", reason(status));
        body.put("message", message);
        body.put("path", path);
        return body;
    }

    /** The status this request was answered with, 0 while unanswered. */
    int status() {
        return status;
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        formParameters(raw == null ? "" : raw, "query string").forEach((k, v) -> q.put(k, v.get(0)));
        return q;
    }

    /**
     * Decodes {@code a=1&b=2&a=3} (a query string or an {@code application/x-www-form-urlencoded}
     * body) to each name's values in order; malformed escapes are a 400 naming {@code what}.
     */
    static Map<String, List<String>> formParameters(String raw, String what) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "malformed " + what);
            }
        }
        return form;
    }
}
