package dev.vortex.render;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An effective configuration as the WebSocket feed keeps one per target: flattened keys to values
 * in their order, immutable, held in two arrays (and a hash index when large) instead of a
 * {@link java.util.LinkedHashMap}'s table and entry per key. A change to a file every application
 * reads re-renders every target, and each new map lives on in the feed: the young collections
 * that copy 20,000 of them while HTTP requests wait were several times as long with an object per
 * key (README "Measured": {@code GET} p99 during a monorepo re-render).
 */
final class FlatConfig extends AbstractMap<String, Object> {
    /** Up to this many keys a lookup compares them in order; beyond, it goes through {@link #slots}. */
    private static final int SCANNED = 8;

    private final String[] keys;
    private final Object[] values;
    /** Open addressing by the key's hash: index + 1 of the key, 0 for an empty slot; null when scanned. */
    private final int[] slots;

    private FlatConfig(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
        this.slots = keys.length <= SCANNED ? null : index(keys);
    }

    /** The same keys and values, in the same order. */
    static FlatConfig of(Map<String, Object> map) {
        String[] keys = new String[map.size()];
        Object[] values = new Object[map.size()];
        int i = 0;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            keys[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return new FlatConfig(keys, values);
    }

    private static int[] index(String[] keys) {
        int[] slots = new int[Integer.highestOneBit(keys.length * 2 - 1) << 1];
        int mask = slots.length - 1;
        for (int i = 0; i < keys.length; i++) {
            int s = spread(keys[i].hashCode()) & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = i + 1;
        }
        return slots;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private int find(Object key) {
        if (!(key instanceof String k)) {
            return -1;
        }
        if (slots == null) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(k)) {
                    return i;
                }
            }
            return -1;
        }
        int mask = slots.length - 1;
        for (int s = spread(k.hashCode()) & mask; slots[s] != 0; s = (s + 1) & mask) {
            if (keys[slots[s] - 1].equals(k)) {
                return slots[s] - 1;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return find(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = find(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < keys.length; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys.length;
            }

            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }
        };
    }
}
