package dev.vortex.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for one daemon on {@code 127.0.0.1:port}: GET and POST as text, status JSON as a tree. */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Http(int port) {
        this.port = port;
    }

    public HttpClient client() {
        return client;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).build());
    }

    public HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET {@code path}, which must answer 200 with JSON. */
    public JsonNode json(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    /** {@code POST /api/v1/repos/{repo}/refresh?wait=30s}: the run's result. */
    public JsonNode refresh(String repo) {
        HttpResponse<String> r = post("/api/v1/repos/" + repo + "/refresh?wait=30s");
        if (r.statusCode() != 200) {
            throw new AssertionError("refresh " + repo + " answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }

    /** The commit {@code GET /{app}/{profile}} serves. */
    public String version(String app, String profile) {
        return json("/" + app + "/" + profile).path("version").asText();
    }

    public boolean ready() {
        try {
            return get("/ready").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    public static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
