package dev.vortex.http;

import dev.vortex.ops.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /health}, {@code /ready} and {@code /metrics}: open to everyone, never blocked by a sync. */
public final class OpsHandlers {
    private final Metrics metrics;
    private final Supplier<List<String>> reposWithoutCommit;

    /**
     * @param reposWithoutCommit the repositories that have no served commit yet; ready when empty
     */
    public OpsHandlers(Metrics metrics, Supplier<List<String>> reposWithoutCommit) {
        this.metrics = metrics;
        this.reposWithoutCommit = reposWithoutCommit;
    }

    public void register(Router router) {
        router.get("/health", r -> r.json(200, Map.of("status", "UP")));
        router.get("/ready", this::ready);
        router.get("/metrics", r -> r.bytes(200, Metrics.CONTENT_TYPE,
                metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of("Cache-Control", "no-store")));
    }

    private void ready(Request r) throws Exception {
        List<String> waiting = reposWithoutCommit.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", waiting.isEmpty());
        body.put("waiting", waiting);
        r.json(waiting.isEmpty() ? 200 : 503, body);
    }
}
