package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vortex.ops.Metrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Router router = new Router(new Metrics());
        new StatusPage("1.2.3", () -> server.getAddress().getPort(), () -> 4321, () -> true).register(router);
        server.createContext("/", router);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void root_isHtmlWithSecurityHeaders() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(StatusPage.CSP, r.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertTrue(StatusPage.CSP.contains("script-src 'self';") && !StatusPage.CSP.contains("unsafe"), StatusPage.CSP);
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(r.body().startsWith("<!DOCTYPE html>"), r.body());
    }

    @Test
    void assets_haveTheirContentTypes() throws Exception {
        assertEquals("text/css; charset=utf-8", get("/static/app.css").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/javascript; charset=utf-8", get("/static/app.js").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("image/svg+xml", get("/static/favicon.svg").headers().firstValue("Content-Type").orElseThrow());
        assertTrue(get("/static/app.js").headers().firstValue("Content-Security-Policy").isPresent());
    }

    @Test
    void matchingIfNoneMatch_is304WithoutBody() throws Exception {
        HttpResponse<String> first = get("/static/app.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);

        HttpResponse<String> again = get("/static/app.js", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(etag, again.headers().firstValue("ETag").orElseThrow());
        assertEquals(304, get("/static/app.js", "If-None-Match", "\"other\", W/" + etag).statusCode());
        assertEquals(200, get("/static/app.js", "If-None-Match", "\"other\"").statusCode());
    }

    @Test
    void differentFiles_haveDifferentEtags() throws Exception {
        assertNotEquals(get("/").headers().firstValue("ETag").orElseThrow(),
                get("/static/app.css").headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void unknownStaticFile_isJson404() throws Exception {
        for (String path : new String[] {"/static/secret.txt", "/static/index.html", "/static/..%2FStatusPage.class"}) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
            JsonNode body = JSON.readTree(r.body());
            assertEquals(404, body.path("status").asInt());
            assertEquals("no such static file", body.path("message").asText());
        }
    }

    @Test
    void info_namesVersionPortsAndAuth() throws Exception {
        HttpResponse<String> r = get("/api/v1/info");
        assertEquals(200, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("1.2.3", body.path("version").asText());
        assertEquals(server.getAddress().getPort(), body.path("http_port").asInt());
        assertEquals(4321, body.path("ws_port").asInt());
        assertTrue(body.path("auth_required").asBoolean());
    }

    @Test
    void page_hasNoInlineScriptOrStyle() throws Exception {
        String html = get("/").body();
        assertFalse(html.contains("style="), "inline style attribute would break the CSP");
        assertFalse(Pattern.compile("<style").matcher(html).find(), "inline <style> would break the CSP");
        Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(html);
        while (scripts.find()) {
            assertTrue(scripts.group(1).contains("src=\"/static/"), "inline script: " + scripts.group());
        }
        assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), "inline event handler would break the CSP");
        assertFalse(get("/static/app.js").body().contains("innerHTML"), "data must reach the DOM through textContent");
    }

    @Test
    void head_answersHeadersOnly() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/static/app.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertTrue(r.headers().firstValue("ETag").isPresent());
    }

    @Test
    void ifNoneMatch_acceptsStarListsAndWeakTags() {
        assertTrue(Request.namesEtag("*", "\"a\""));
        assertTrue(Request.namesEtag("\"b\", \"a\"", "\"a\""));
        assertTrue(Request.namesEtag("W/\"a\"", "\"a\""));
        assertFalse(Request.namesEtag("\"ab\"", "\"a\""));
    }
}
