package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPatchTest {
    @Test
    void diffThenApply_givesTarget() {
        Map<String, Object> from = new LinkedHashMap<>(Map.of("a", 1, "b", "x", "c/d", true, "e~f", 1.5));
        Map<String, Object> to = new LinkedHashMap<>(Map.of("a", 2, "c/d", true, "e~f", "now text", "g", List.of()));
        ArrayNode patch = JsonPatch.diff(from, to);
        JsonPatch.apply(from, patch);
        assertEquals(to, from);
    }

    @Test
    void sameNumberDifferentBoxing_isNoChange() {
        assertEquals(0, JsonPatch.diff(Map.of("n", 5), Map.of("n", 5L)).size());
    }

    @Test
    void pointer_escapesTildeAndSlash() {
        assertEquals("/a~1b~0c", JsonPatch.pointer("a/b~c"));
        assertEquals("a/b~c", JsonPatch.unpointer("/a~1b~0c"));
    }

    @Test
    void stringAndNumber_differ() {
        assertEquals("[{\"op\":\"replace\",\"path\":\"/n\",\"value\":\"5\"}]", JsonPatch.diff(Map.of("n", 5), Map.of("n", "5")).toString());
    }
}
