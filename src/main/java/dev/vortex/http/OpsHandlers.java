package dev.vortex.http;

import dev.vortex.ops.JsonText;
import dev.vortex.ops.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /health}, {@code /ready} and {@code /metrics}: open to everyone, never blocked by a sync. */
public final class OpsHandlers {
    // the probes' answers are written without databind (JsonText): the first probe after a start does not wait for its set-up
    private static final byte[] HEALTHY = JsonText.bytes(Map.of("status", "UP"));
    private final Metrics metrics;
    private final Supplier<Map<String, String>> waiting;
    private final Supplier<Map<String, List<String>>> stale;

    /**
     * @param waiting the repositories whose default label serves no commit yet, each with why; ready when empty
     */
    public OpsHandlers(Metrics metrics, Supplier<Map<String, String>> waiting) {
        this(metrics, waiting, Map::of);
    }

    /** @param stale the repositories served but behind (see {@code Cluster#stale}), each with why: ready still, flagged */
    public OpsHandlers(Metrics metrics, Supplier<Map<String, String>> waiting, Supplier<Map<String, List<String>>> stale) {
        this.metrics = metrics;
        this.waiting = waiting;
        this.stale = stale;
    }

    public void register(Router router) {
        router.get("/health", r -> r.bytes(200, "application/json", HEALTHY, Map.of()));
        router.get("/ready", this::ready);
        router.get("/metrics", r -> r.bytes(200, Metrics.CONTENT_TYPE,
                metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store")));
    }

    private void ready(Request r) throws Exception {
        Map<String, String> now = waiting.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", now.isEmpty());
        body.put("waiting", now.entrySet().stream().map(e -> {
            Map<String, String> w = new LinkedHashMap<>();
            w.put("repo", e.getKey());
            w.put("reason", e.getValue());
            return w;
        }).toList());
        // stale but serving is still ready: a load balancer keeps it, a person or an alert sees the flag
        Map<String, List<String>> behind = stale.get();
        body.put("stale", !behind.isEmpty());
        body.put("stale_repos", behind.entrySet().stream().map(e -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("repo", e.getKey());
            s.put("reasons", e.getValue());
            return s;
        }).toList());
        r.bytes(now.isEmpty() ? 200 : 503, "application/json", JsonText.bytes(body), Map.of());
    }
}
