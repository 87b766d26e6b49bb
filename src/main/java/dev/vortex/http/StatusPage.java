package dev.vortex.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The operator's status page: {@code GET /} (the HTML), {@code GET /static/{file}} (its CSS, script
 * and icon, read once from the jar, at the first request for one) and {@code GET /api/v1/info} (version and ports the script needs
 * to find the WebSocket server). Every asset carries a content hash as its ETag and a strict
 * Content-Security-Policy; nothing is inlined, so the policy needs no {@code unsafe-inline}.
 */
public final class StatusPage {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    private final String version;
    private final IntSupplier httpPort;
    private final IntSupplier wsPort;
    private final BooleanSupplier authRequired;
    private final Supplier<Map<String, Object>> reloadStatus;
    private final BooleanSupplier clustered;

    /**
     * @param version      the daemon version shown in the page header
     * @param httpPort     the bound HTTP port (known only once the server is up)
     * @param wsPort       the bound WebSocket port the page connects to
     * @param authRequired whether the admin API and the WebSocket endpoint ask for a bearer token now
     *                     (asked per request: the tokens file is reloaded on SIGHUP)
     */
    public StatusPage(String version, IntSupplier httpPort, IntSupplier wsPort, BooleanSupplier authRequired) {
        this(version, httpPort, wsPort, authRequired, Map::of);
    }

    /** @param reloadStatus the outcome of the last configuration reload (SIGHUP), empty before the first */
    public StatusPage(String version, IntSupplier httpPort, IntSupplier wsPort, BooleanSupplier authRequired,
                      Supplier<Map<String, Object>> reloadStatus) {
        this(version, httpPort, wsPort, authRequired, reloadStatus, () -> false);
    }

    /** @param clustered whether this replica has peers (the page then shows them, from {@code GET /api/v1/cluster}) */
    public StatusPage(String version, IntSupplier httpPort, IntSupplier wsPort, BooleanSupplier authRequired,
                      Supplier<Map<String, Object>> reloadStatus, BooleanSupplier clustered) {
        this.clustered = clustered;
        this.reloadStatus = Objects.requireNonNull(reloadStatus, "reloadStatus");
        this.version = Objects.requireNonNull(version, "version");
        this.httpPort = Objects.requireNonNull(httpPort, "httpPort");
        this.wsPort = Objects.requireNonNull(wsPort, "wsPort");
        this.authRequired = Objects.requireNonNull(authRequired, "authRequired");
    }

    public void register(Router router) {
        router.get("/", r -> serve(r, PageFiles.INDEX));
        router.get("/static/{file}", r -> {
            Asset a = PageFiles.STATIC.get(r.param("file"));
            if (a == null) {
                throw new ApiException(404, "no such static file");
            }
            serve(r, a);
        });
        router.get("/api/v1/info", this::info);
    }

    private void info(Request r) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        body.put("http_port", httpPort.getAsInt());
        body.put("ws_port", wsPort.getAsInt());
        body.put("auth_required", authRequired.getAsBoolean());
        body.put("cluster", clustered.getAsBoolean());
        Map<String, Object> reload = reloadStatus.get();
        if (!reload.isEmpty()) {
            body.put("config_reload", reload);
        }
        r.exchange().getResponseHeaders().set("Cache-Control", "no-store");
        r.json(200, body);
    }

    private static void serve(Request r, Asset a) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", a.etag);
        // no-cache: the browser may keep a copy but revalidates it, so an upgraded daemon is seen at once
        headers.put("Cache-Control", "no-cache");
        headers.put("Content-Security-Policy", CSP);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        if (r.ifNoneMatch(a.etag)) {
            r.empty(304, headers);
            return;
        }
        r.bytes(200, a.contentType, a.bytes, headers);
    }

    /**
     * The page's files, read from the jar and hashed at the first request for one, once per process:
     * not at start, where hashing ~50 KB in the interpreter cost the main thread ~10 ms.
     */
    private static final class PageFiles {
        static final Asset INDEX = Asset.load("index.html");
        static final Map<String, Asset> STATIC = Map.of("app.css", Asset.load("app.css"), "app.js", Asset.load("app.js"),
                "favicon.svg", Asset.load("favicon.svg"));
    }

    /** One file of {@code src/main/resources/static}, its bytes and their hash. */
    private record Asset(String contentType, byte[] bytes, String etag) {
        static Asset load(String name) {
            String ext = name.substring(name.lastIndexOf('.') + 1);
            String type = TYPES.get(ext);
            if (type == null) {
                throw new IllegalArgumentException("static file \"" + name + "\" has no known content type, expected one of " + TYPES.keySet());
            }
            try (InputStream in = StatusPage.class.getResourceAsStream("/static/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("static file \"" + name + "\" is missing from the jar");
                }
                byte[] bytes = in.readAllBytes();
                return new Asset(type, bytes, "\"" + sha256(bytes).substring(0, 32) + "\"");
            } catch (IOException e) {
                throw new UncheckedIOException("reading static file " + name, e);
            }
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }
    }
}
