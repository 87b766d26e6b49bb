package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.vortex.ops.Metrics;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The render package's bounded caches: Caffeine, bounded by an estimated weight (bytes), with one
 * computation per key ({@code get(key, compute)}) and W-TinyLFU admission, so a scan of thousands
 * of files once does not push out what is read all the time. Hits, misses and evictions are
 * counted per cache in {@code vortex_cache_requests_total{cache,result}} and
 * {@code vortex_cache_evictions_total{cache}}. Maintenance (eviction) runs on the writing thread:
 * no pool thread, and a bound holds as soon as {@code put} returns.
 */
final class Caches {
    private Caches() {
    }

    /** A cache of at most {@code maxWeight} (as {@code weigher} estimates it; one value over the bound is not kept). */
    static <K, V> Cache<K, V> bounded(String name, long maxWeight, ToLongFunction<V> weigher, Metrics metrics) {
        if (maxWeight < 0) {
            throw new IllegalArgumentException("cache bound must be >= 0, got " + maxWeight);
        }
        Stats stats = new Stats(name, metrics);
        return Caffeine.newBuilder()
                .maximumWeight(maxWeight)
                .<K, V>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, weigher.applyAsLong(v)))
                .executor(Runnable::run)
                .recordStats(() -> stats)
                .build();
    }

    /** This cache's counts (for {@code stats()}), and the daemon's per-cache metrics. */
    private static final class Stats implements StatsCounter {
        private final String name;
        private final Metrics.Counter requests;
        private final Metrics.Counter evictions;
        private final LongAdder hits = new LongAdder();
        private final LongAdder misses = new LongAdder();
        private final LongAdder evicted = new LongAdder();
        private final LongAdder evictedWeight = new LongAdder();

        Stats(String name, Metrics metrics) {
            this.name = name;
            this.requests = metrics.counter("vortex_cache_requests_total",
                    "Lookups in the render caches (responses, environments, parsed, facts, trees, inventories) by result", "cache", "result");
            this.evictions = metrics.counter("vortex_cache_evictions_total",
                    "Entries the render caches dropped to stay within render.cache-size", "cache");
            requests.add(0, name, "hit");
            requests.add(0, name, "miss");
            evictions.add(0, name);
        }

        @Override
        public void recordHits(int count) {
            hits.add(count);
            requests.add(count, name, "hit");
        }

        @Override
        public void recordMisses(int count) {
            misses.add(count);
            requests.add(count, name, "miss");
        }

        @Override
        public void recordLoadSuccess(long loadTime) {
            // the time a computation takes is in the render histograms, not here
        }

        @Override
        public void recordLoadFailure(long loadTime) {
            // a failed computation (a file that does not parse is a result, not a failure) is counted where it is caught
        }

        @Override
        public void recordEviction(int weight, RemovalCause cause) {
            if (cause == RemovalCause.SIZE) {
                evicted.increment();
                evictedWeight.add(weight);
                evictions.inc(name);
            }
        }

        @Override
        public CacheStats snapshot() {
            return CacheStats.of(hits.sum(), misses.sum(), 0, 0, 0, evicted.sum(), evictedWeight.sum());
        }
    }
}
