package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FlatConfig} against the LinkedHashMap it replaces: seeded, every size a configuration has. */
class FlatConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void behavesAsTheLinkedHashMapItWasMadeFrom() throws Exception {
        Random random = new Random(20261203);
        for (int round = 0; round < 2_000; round++) {
            int size = round % 10 == 0 ? random.nextInt(400) : random.nextInt(24);
            Map<String, Object> expected = new LinkedHashMap<>();
            while (expected.size() < size) {
                expected.put(key(random), value(random));
            }
            Map<String, Object> flat = FlatConfig.of(expected);

            assertEquals(expected.size(), flat.size());
            assertEquals(expected.isEmpty(), flat.isEmpty());
            assertEquals(List.copyOf(expected.entrySet()), List.copyOf(flat.entrySet()), "order and entries");
            List<String> visited = new ArrayList<>();
            flat.forEach((k, v) -> {
                visited.add(k);
                assertEquals(expected.get(k), v);
            });
            assertEquals(List.copyOf(expected.keySet()), visited);
            assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(flat.values()));
            for (String k : expected.keySet()) {
                assertTrue(flat.containsKey(k), k);
                assertEquals(expected.get(k), flat.get(k), k);
            }
            for (int i = 0; i < 20; i++) {
                String absent = key(random);
                assertEquals(expected.containsKey(absent), flat.containsKey(absent), absent);
                assertEquals(expected.get(absent), flat.get(absent), absent);
            }
            assertEquals(expected, flat);
            assertEquals(flat, expected);
            assertEquals(expected.hashCode(), flat.hashCode());
            assertEquals(expected.toString(), flat.toString());
            assertArrayEquals(JSON.writeValueAsBytes(expected), JSON.writeValueAsBytes(flat), "as Jackson writes it");
        }
    }

    @Test
    void keysOfOneHashAndNullValuesAreKeptApart() {
        // "Aa" and "BB" hash alike: the index must probe past one to the other
        Map<String, Object> source = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            source.put("Aa".repeat(i + 1), i);
            source.put("BB".repeat(i + 1), i % 2 == 0 ? null : "v" + i);
        }
        Map<String, Object> flat = FlatConfig.of(source);
        assertEquals(source, flat);
        assertTrue(flat.containsKey("BB"));
        assertNull(flat.get("BB"));
        assertFalse(flat.containsKey("AaBB"));
        assertFalse(flat.containsKey(null));
        assertFalse(flat.containsKey(42));
    }

    @Test
    void cannotBeChanged() {
        Map<String, Object> flat = FlatConfig.of(new LinkedHashMap<>(Map.of("a", 1)));
        assertThrows(UnsupportedOperationException.class, () -> flat.put("b", 2));
        assertThrows(UnsupportedOperationException.class, () -> flat.remove("a"));
        assertThrows(UnsupportedOperationException.class, flat::clear);
        assertThrows(UnsupportedOperationException.class, () -> flat.entrySet().iterator().next().setValue(3));
    }

    /** Keys as flattened configuration has them, from a small alphabet so that absent ones are often near misses. */
    private static String key(Random random) {
        StringBuilder k = new StringBuilder();
        int parts = 1 + random.nextInt(3);
        for (int p = 0; p < parts; p++) {
            if (p > 0) {
                k.append('.');
            }
            k.append("abcAaBB".charAt(random.nextInt(7)));
            if (random.nextBoolean()) {
                k.append(random.nextInt(4));
            }
        }
        if (random.nextInt(8) == 0) {
            k.append('[').append(random.nextInt(3)).append(']');
        }
        return k.toString();
    }

    private static Object value(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> random.nextInt(100);
            case 2 -> random.nextBoolean();
            case 3 -> random.nextDouble();
            default -> "v" + random.nextInt(50);
        };
    }
}
