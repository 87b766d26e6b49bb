package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LruTest {
    @Test
    void overWeight_evictsLeastRecentlyUsed() {
        Lru<String, String> lru = new Lru<>(10, String::length);
        lru.put("a", "aaaa");
        lru.put("b", "bbbb");
        lru.get("a");
        lru.put("c", "cccc");
        assertNull(lru.get("b"));
        assertEquals("aaaa", lru.get("a"));
        assertEquals(8, lru.weight());
        assertEquals(2, lru.hits());
        assertEquals(1, lru.misses());
    }

    @Test
    void valueHeavierThanBound_notStored() {
        Lru<String, String> lru = new Lru<>(3, String::length);
        lru.put("a", "aaaa");
        assertEquals(0, lru.size());
    }

    @Test
    void replacingAKey_keepsWeightRight() {
        Lru<String, String> lru = new Lru<>(10, String::length);
        lru.put("a", "aaaa");
        lru.put("a", "aa");
        assertEquals(2, lru.weight());
    }
}
