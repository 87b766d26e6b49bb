package dev.vortex.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.vortex.ops.Tls;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The REST server: one JDK {@link HttpServer}, one virtual thread per exchange, the {@link Router}
 * (or a handler choosing the current one, after a configuration reload) behind an access-log filter.
 */
public final class HttpApi {
    private static final Log LOG = Log.of(HttpApi.class);

    /**
     * Limits of the JDK server, read once when its first instance is made; a value given with -D wins.
     * maxReqTime ends slowloris clients (headers or body trickled for more than 10 s); nodelay keeps
     * small answers from waiting on Nagle's algorithm.
     */
    static final java.util.Map<String, String> SERVER_LIMITS = java.util.Map.of(
            "sun.net.httpserver.maxReqTime", "10",
            "sun.net.httpserver.maxReqHeaders", "100",
            "sun.net.httpserver.maxReqHeaderSize", Integer.toString(64 * 1024),
            "sun.net.httpserver.nodelay", "true");

    static {
        SERVER_LIMITS.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Loads what the JDK server's first answer needs for its {@code Date} header, the locale data of
     * day and month names (its pattern, as {@code sun.net.httpserver.ExchangeImpl} formats it): at the
     * first request that took a good part of its ~20 ms; the start does it while it waits for JGit.
     */
    public static void prepare() {
        java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss zzz", java.util.Locale.US)
                .withZone(java.time.ZoneId.of("GMT")).format(java.time.Instant.now());
    }

    /** Binds and starts serving; port 0 picks a free port (see {@link #port()}). */
    public static HttpApi start(VortexConfig.Http config, HttpHandler router, Filter... filters) throws IOException {
        return start(config, java.util.Optional.empty(), router, filters);
    }

    /** As {@link #start(VortexConfig.Http, HttpHandler, Filter...)}, over HTTPS when {@code tls} is given. */
    public static HttpApi start(VortexConfig.Http config, java.util.Optional<Tls> tls, HttpHandler router, Filter... filters)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(config.bind(), config.port());
        HttpServer server;
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 1024);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get().context()) {
                @Override
                public void configure(HttpsParameters params) {
                    params.setSSLParameters(tls.get().parameters()); // TLS 1.2 and 1.3 only
                }
            });
            server = https;
        } else {
            server = HttpServer.create(address, 1024);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        var context = server.createContext("/", router);
        context.getFilters().add(accessLog());
        context.getFilters().addAll(java.util.List.of(filters));
        server.start();
        return new HttpApi(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, lets exchanges in flight finish for up to {@code grace}. */
    public void stop(Duration grace) {
        server.stop((int) Math.max(0, Math.min(grace.toSeconds(), 30)));
        executor.shutdown();
    }

    // Debug level: an info line per request would cost more than serving it. Names the principal, never its credential.
    private static Filter accessLog() {
        return Filter.afterHandler("access log", ex -> LOG.debug("http request",
                "method", ex.getRequestMethod(), "path", ex.getRequestURI().getRawPath(),
                "principal", AccessFilter.principal(ex).name(),
                "status", ex.getResponseCode(), "remote", ex.getRemoteAddress().getAddress().getHostAddress()));
    }
}
