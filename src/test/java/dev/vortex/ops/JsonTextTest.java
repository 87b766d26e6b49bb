package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Differential: what the probes write without databind is, byte for byte, what Jackson's mapper writes. */
class JsonTextTest {
    private static final Random RANDOM = new Random(14);

    @Test
    void randomValues_areWrittenAsJacksonWritesThem() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            Object value = value(3);
            assertArrayEquals(Json.mapper().writeValueAsBytes(value), JsonText.bytes(value), () -> String.valueOf(value));
        }
    }

    @Test
    void everyCharacterBelow128_andSomeBeyond_areEscapedAsJacksonEscapesThem() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("é€😀\u2028\u2029\uFEFF");
        Map<String, Object> body = Map.of(all.toString(), List.of(all.toString()));
        assertArrayEquals(Json.mapper().writeValueAsBytes(body), JsonText.bytes(body));
    }

    @Test
    void probeAnswers_areWhatTheyWere() throws Exception {
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("ready", false);
        ready.put("waiting", List.of(new LinkedHashMap<>(Map.of("repo", "shop"))));
        ready.put("stale", true);
        ready.put("stale_repos", List.of(Map.of("repo", "a\"b", "reasons", List.of("last successful sync 95 s ago\n"))));
        assertArrayEquals(Json.mapper().writeValueAsBytes(ready), JsonText.bytes(ready));
        assertArrayEquals(Json.mapper().writeValueAsBytes(Map.of("status", "UP")), JsonText.bytes(Map.of("status", "UP")));
    }

    @Test
    void otherTypes_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> JsonText.bytes(Map.of("at", java.time.Instant.EPOCH)));
        assertThrows(IllegalArgumentException.class, () -> JsonText.bytes(List.of(1.5)));
    }

    private static Object value(int depth) {
        int kind = RANDOM.nextInt(depth > 0 ? 7 : 5);
        return switch (kind) {
            case 0 -> null;
            case 1 -> RANDOM.nextBoolean();
            case 2 -> RANDOM.nextBoolean() ? (Object) RANDOM.nextInt() : (Object) RANDOM.nextLong();
            case 3, 4 -> string();
            case 5 -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int n = RANDOM.nextInt(4); n > 0; n--) {
                    map.put(string(), value(depth - 1));
                }
                yield map;
            }
            default -> {
                List<Object> list = new ArrayList<>();
                for (int n = RANDOM.nextInt(4); n > 0; n--) {
                    list.add(value(depth - 1));
                }
                yield RANDOM.nextBoolean() ? list : Arrays.asList(list.toArray());
            }
        };
    }

    // ASCII (control characters included), Latin-1, other BMP characters and whole surrogate pairs
    private static String string() {
        StringBuilder s = new StringBuilder();
        for (int n = RANDOM.nextInt(12); n > 0; n--) {
            switch (RANDOM.nextInt(4)) {
                case 0, 1 -> s.append((char) RANDOM.nextInt(0x80));
                case 2 -> s.append((char) (0x80 + RANDOM.nextInt(0xD800 - 0x80)));
                default -> s.appendCodePoint(0x10000 + RANDOM.nextInt(0x10FFFF - 0x10000));
            }
        }
        return s.toString();
    }
}
