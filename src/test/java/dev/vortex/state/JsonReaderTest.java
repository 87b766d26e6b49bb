package dev.vortex.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    private static Object read(String json) throws IOException {
        return JsonReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatJacksonWrites() throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", 1);
        doc.put("text", "q\"\\/\b\f\n\r\t\u0001é😀 end");
        doc.put("list", Arrays.asList(-12, 3.5, 1e300, true, false, null, List.of(), Map.of()));
        doc.put("nested", Map.of("a", Map.of("b", List.of("c"))));
        byte[] pretty = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);

        Map<String, Object> expected = new LinkedHashMap<>(doc);
        expected.put("version", 1L);
        expected.put("list", Arrays.asList(-12L, 3.5, 1e300, true, false, null, List.of(), Map.of()));
        assertEquals(expected, JsonReader.read(pretty));
    }

    @Test
    void keepsMemberOrder_andTheLastOfARepeatedName() throws IOException {
        Object doc = read("{\"b\":1,\"a\":2,\"b\":3}");

        assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) doc).keySet()));
        assertEquals(3L, ((Map<?, ?>) doc).get("b"));
    }

    @Test
    void readsScalarsAndEscapes() throws IOException {
        assertNull(read(" null "));
        assertEquals("\u00e9A", read("\"\\u00e9\\u0041\""));
        assertEquals(0L, read("0"));
        assertEquals(-2.5e-3, read("-2.5E-3"));
        assertEquals(1e19, read("10000000000000000000"), "beyond a long: a double");
    }

    @Test
    void rejectsWhatIsNotOneJsonValue() {
        for (String bad : List.of("", "  ", "{", "{\"a\":1", "{\"a\" 1}", "{a:1}", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\":1}}",
                "\"open", "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12zz\"", "\"tab\tinside\"", "\"ends in \\", "tru", "nul", "01",
                "-", "1.", "1e", ".5", "+1", "x", "{} {}")) {
            IOException e = assertThrows(IOException.class, () -> read(bad), bad);
            assertTrue(e.getMessage().startsWith("not JSON: "), e.getMessage());
        }
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        IOException e = assertThrows(IOException.class, () -> JsonReader.read(new byte[] {'"', (byte) 0xC3, '"'}));
        assertEquals("not UTF-8", e.getMessage());
    }

    @Test
    void rejectsNestingBeyondTheLimit_notWithAStackOverflow() throws IOException {
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        read(ok);
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        assertThrows(IOException.class, () -> read(deep));
        assertThrows(IOException.class, () -> read("{\"a\":".repeat(100_000)));
    }
}
