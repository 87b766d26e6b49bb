package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import dev.vortex.ops.Metrics;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What the {@link Renderer} keeps, each within its share of {@code render.cache-size}
 * ({@link Caches}): rendered responses as bytes (the whole size), Environments (a quarter),
 * directory listings ({@link Listings}, an eighth) and inventories (a sixteenth). Everything but
 * the listings is keyed by the commit it was rendered at, so what a label stopped serving can go.
 */
final class RenderCaches {
    // per-entry bookkeeping beside the body bytes
    private static final int ENTRY_OVERHEAD = 256;

    /** What a cached response, Environment or inventory is for; unused parts are null. */
    record Key(String repo, String kind, String app, String profiles, String label, ObjectId commit,
               String path, boolean resolve) {
    }

    final Listings listings;
    private final Cache<Key, Rendered> responses;
    // an Environment shares its source maps with the parse cache, but keeps them alive once evicted there
    private final Cache<Key, Environment> environments;
    private final Cache<Key, Inventory> inventories;
    private final Metrics.Counter hits;
    private final Metrics.Counter misses;

    RenderCaches(long cacheBytes, Metrics metrics) {
        this.listings = new Listings(cacheBytes / 8, metrics);
        this.responses = Caches.bounded("responses", cacheBytes, r -> r.body().length + (long) ENTRY_OVERHEAD, metrics);
        this.environments = Caches.bounded("environments", cacheBytes / 4, RenderCaches::weight, metrics);
        // an application and its profile names: about 200 bytes each
        this.inventories = Caches.bounded("inventories", cacheBytes / 16, i -> 256L + 200L * i.profilesByApp().size(), metrics);
        this.hits = metrics.counter("vortex_render_cache_hits_total", "Rendered responses served from the byte cache");
        this.misses = metrics.counter("vortex_render_cache_misses_total", "Responses rendered because the byte cache did not hold them");
    }

    /** The response for {@code key}, rendered once: concurrent requests for the same answer wait for the first. */
    Rendered response(Key key, Supplier<Rendered> render) {
        boolean[] rendered = {false};
        Rendered r = responses.get(key, k -> {
            rendered[0] = true;
            return render.get();
        });
        (rendered[0] ? misses : hits).inc();
        return r;
    }

    /** The response for {@code key} when held (counted as a hit), else null (counted as a miss: the caller renders and {@link #put}s it). */
    Rendered responseIfPresent(Key key) {
        Rendered hit = responses.getIfPresent(key);
        (hit != null ? hits : misses).inc();
        return hit;
    }

    void put(Key key, Rendered r) {
        responses.put(key, r);
    }

    Environment environment(Key key, Supplier<Environment> build) {
        return environments.get(key, k -> build.get());
    }

    Environment environmentIfPresent(Key key) {
        return environments.getIfPresent(key);
    }

    Inventory inventory(Key key, Supplier<Inventory> compute) {
        return inventories.get(key, k -> compute.get());
    }

    /** Drops what was rendered at {@code commit}; listings stay (by tree id, and mostly shared with the next commit). */
    void forget(ObjectId commit) {
        responses.asMap().keySet().removeIf(k -> commit.equals(k.commit()));
        environments.asMap().keySet().removeIf(k -> commit.equals(k.commit()));
        inventories.asMap().keySet().removeIf(k -> commit.equals(k.commit()));
    }

    long hits() {
        return responses.stats().hitCount();
    }

    long misses() {
        return responses.stats().missCount();
    }

    // about 150 bytes per key (string, value, map node) for the maps it keeps alive
    private static long weight(Environment env) {
        long w = 256;
        for (Environment.PropertySource s : env.propertySources()) {
            w += 64 + 150L * s.source().size();
        }
        return w;
    }
}
