package dev.vortex.render;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A small thread-safe LRU map bounded by a total weight (entries, bytes…), with hit and miss
 * counts. Values are computed outside the lock, so two threads may compute the same value once
 * each; both results are equal because every key here names immutable content.
 */
final class Lru<K, V> {
    private final long maxWeight;
    private final ToLongFunction<V> weigher;
    private final LinkedHashMap<K, V> map = new LinkedHashMap<>(256, 0.75f, true);
    private long weight;
    private long hits;
    private long misses;

    Lru(long maxWeight, ToLongFunction<V> weigher) {
        if (maxWeight < 0) {
            throw new IllegalArgumentException("cache bound must be >= 0, got " + maxWeight);
        }
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    /** The cached value, counting a hit or a miss. */
    synchronized V get(K key) {
        V v = map.get(key);
        if (v == null) {
            misses++;
        } else {
            hits++;
        }
        return v;
    }

    /** Stores the value (unless it alone is over the bound) and evicts the least recently used. */
    synchronized void put(K key, V value) {
        long w = weigher.applyAsLong(value);
        if (w > maxWeight) {
            return;
        }
        V old = map.put(key, value);
        if (old != null) {
            weight -= weigher.applyAsLong(old);
        }
        weight += w;
        var it = map.entrySet().iterator();
        while (weight > maxWeight && it.hasNext()) {
            Map.Entry<K, V> eldest = it.next();
            weight -= weigher.applyAsLong(eldest.getValue());
            it.remove();
        }
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long weight() {
        return weight;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }
}
