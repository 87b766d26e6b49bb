package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeTest {

    private static Environment env(List<Map<String, Object>> highestFirst) {
        List<Environment.PropertySource> sources = new ArrayList<>();
        for (int i = 0; i < highestFirst.size(); i++) {
            sources.add(new Environment.PropertySource("s" + i, highestFirst.get(i)));
        }
        return new Environment("app", "default", null, "c", sources);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void plainKeys_highestWins_inFirstSeenOrder() {
        Map<String, Object> flat = Merge.flat(env(List.of(map("b", 2, "c", 3), map("a", 1, "b", 1))));
        assertEquals(List.of(Map.entry("a", 1), Map.entry("b", 2), Map.entry("c", 3)), new ArrayList<>(flat.entrySet()));
    }

    @Test
    void list_takenWholeFromHighestSourceDefiningAnyElement() {
        Environment e = env(List.of(
                map("regions[1]", "south-prod"),
                map("regions[0]", "north", "regions[1]", "south", "regions[2]", "west", "x", 1)));
        Map<String, Object> flat = Merge.flat(e);
        assertEquals(map("x", 1, "regions[1]", "south-prod"), flat);
        assertEquals(map("x", 1, "regions", Arrays.asList(null, "south-prod")), Merge.nested(flat));
    }

    @Test
    void listsOfMaps_replacedWhole() {
        Environment e = env(List.of(
                map("db.replicas[0].host", "only"),
                map("db.replicas[0].host", "a", "db.replicas[0].port", 1, "db.replicas[1].host", "b")));
        assertEquals(map("db.replicas[0].host", "only"), Merge.flat(e));
    }

    @Test
    void legacySpringProfilesKey_dropped() {
        assertEquals(map("a", 1), Merge.flat(env(List.of(map("spring.profiles", "prod", "a", 1)))));
    }

    @Test
    void nested_buildsMapsAndLists() {
        Map<String, Object> nested = Merge.nested(map("a.b", 1, "a.c[0].d", "x", "a.c[2]", "z", "m[0][1]", "deep"));
        assertEquals(map("a", map("b", 1, "c", Arrays.asList(map("d", "x"), null, "z")),
                "m", List.of(Arrays.asList(null, "deep"))), nested);
    }

    @Test
    void nested_conflictsAndOddKeys_neverFail() {
        assertEquals(map("a", map("b", 2)), Merge.nested(map("a", 1, "a.b", 2)));
        assertEquals(map("a", 1), Merge.nested(map("a.b", 2, "a", 1)));
        assertEquals(map("m[key]", map("x", 1)), Merge.nested(map("m[key].x", 1)));
        assertEquals(map("[0]", "v"), Merge.nested(map("[0]", "v")));
        assertEquals(map("e", map("x", 1)), Merge.nested(map("e", Map.of(), "e.x", 1)));
    }
}
