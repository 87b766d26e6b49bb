package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.vortex.ops.Metrics;
import java.util.concurrent.atomic.DoubleAdder;
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
        return bounded(new Stats(name, metrics), maxWeight, weigher);
    }

    /** As {@link #bounded(String, long, ToLongFunction, Metrics)}, counted in {@code stats} (which its owner may count in too). */
    static <K, V> Cache<K, V> bounded(Stats stats, long maxWeight, ToLongFunction<V> weigher) {
        if (maxWeight < 0) {
            throw new IllegalArgumentException("cache bound must be >= 0, got " + maxWeight);
        }
        return Caffeine.newBuilder()
                .maximumWeight(maxWeight)
                .<K, V>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, weigher.applyAsLong(v)))
                .executor(Runnable::run)
                .recordStats(() -> stats)
                .build();
    }

    /** This cache's counts (for {@code stats()}), and the daemon's per-cache metrics. */
    static final class Stats implements StatsCounter {
        // the series of this cache, looked up once: a hit is counted tens of thousands of times in a re-render
        private final DoubleAdder hitSeries;
        private final DoubleAdder missSeries;
        private final DoubleAdder evictionSeries;
        private final LongAdder hits = new LongAdder();
        private final LongAdder misses = new LongAdder();
        private final LongAdder evicted = new LongAdder();
        private final LongAdder evictedWeight = new LongAdder();

        Stats(String name, Metrics metrics) {
            Metrics.Counter requests = metrics.counter("vortex_cache_requests_total",
                    "Lookups in the render caches (responses, environments, parsed, facts, trees, inventories) by result", "cache", "result");
            Metrics.Counter evictions = metrics.counter("vortex_cache_evictions_total",
                    "Entries the render caches dropped to stay within render.cache-size", "cache");
            this.hitSeries = requests.series(name, "hit");
            this.missSeries = requests.series(name, "miss");
            this.evictionSeries = evictions.series(name);
        }

        @Override
        public void recordHits(int count) {
            hits.add(count);
            hitSeries.add(count);
        }

        @Override
        public void recordMisses(int count) {
            misses.add(count);
            missSeries.add(count);
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
                evictionSeries.add(1);
            }
        }

        @Override
        public CacheStats snapshot() {
            return CacheStats.of(hits.sum(), misses.sum(), 0, 0, 0, evicted.sum(), evictedWeight.sum());
        }
    }
}
