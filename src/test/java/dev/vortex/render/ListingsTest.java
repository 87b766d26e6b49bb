package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vortex.ops.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The newest listings are held even when the bounded cache does not keep them (a monorepo's root is megabytes). */
class ListingsTest {
    private static CommitFiles.Dir dir(int entries) {
        Map<String, CommitFiles.Entry> m = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            m.put("app" + i + ".yml", new CommitFiles.Entry("app" + i + ".yml", ObjectId.zeroId(), false));
        }
        return new CommitFiles.Dir(m, Map.of());
    }

    private static ObjectId id(int n) {
        return ObjectId.fromString(String.format("%040x", n));
    }

    @Test
    void listingsOverTheBound_theNewestTwoAreHeld_olderOnesGo() {
        Listings listings = new Listings(1_000, new Metrics()); // each listing below weighs 16 KB
        CommitFiles.Dir a = dir(100);
        CommitFiles.Dir b = dir(100);
        CommitFiles.Dir c = dir(100);
        listings.put(id(1), a);
        assertSame(a, listings.tree(id(1)), "read by every render at the new commit: not listed again for each");
        listings.put(id(2), b);
        assertSame(a, listings.tree(id(1)), "the commit before: a change renders both");
        assertSame(b, listings.tree(id(2)));
        listings.put(id(3), c);
        assertNull(listings.tree(id(1)));
        assertSame(c, listings.tree(id(3)));
    }

    @Test
    void smallListings_stayInTheBoundedCache() {
        Listings listings = new Listings(1 << 20, new Metrics());
        CommitFiles.Dir a = dir(3);
        listings.put(id(1), a);
        listings.put(id(2), dir(3));
        listings.put(id(3), dir(3));
        assertSame(a, listings.tree(id(1)));
    }

    @Test
    void rootTreesOfCommits_areRemembered() {
        Listings listings = new Listings(1 << 20, new Metrics());
        assertNull(listings.root(id(7)));
        listings.root(id(7), id(8));
        assertEquals(id(8), listings.root(id(7)));
    }

    private static CommitFiles.Entry file(String name, int id) {
        return new CommitFiles.Entry(name, id(id), false);
    }

    @Test
    void patched_readsAsTheEarlierWithTheReplacements_inTheEarliersOrder() {
        Map<String, CommitFiles.Entry> earlier = dir(100).entries();
        Map<String, CommitFiles.Entry> once = Listings.patched(earlier, Map.of("app7.yml", file("app7.yml", 1)));
        Map<String, CommitFiles.Entry> twice = Listings.patched(once, Map.of("app9.yml", file("app9.yml", 2), "app7.yml", file("app7.yml", 3)));

        Map<String, CommitFiles.Entry> expected = new LinkedHashMap<>(earlier);
        expected.put("app7.yml", file("app7.yml", 3));
        expected.put("app9.yml", file("app9.yml", 2));
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(twice.entrySet()));
        assertEquals(expected, twice);
        assertEquals(file("app7.yml", 3), twice.get("app7.yml"));
        assertEquals(earlier.get("app8.yml"), twice.get("app8.yml"));
        assertEquals(100, twice.size());
        assertEquals(file("app7.yml", 1), once.get("app7.yml"), "the earlier patch is left as it was");
        assertNull(twice.get("absent.yml"));
        assertEquals(false, twice.containsKey("absent.yml"));
        assertThrows(UnsupportedOperationException.class, () -> twice.put("x", file("x", 4)));
        assertThrows(UnsupportedOperationException.class, () -> twice.entrySet().iterator().next().setValue(file("x", 4)));
    }

    @Test
    void patched_manyReplacements_copiedOnce_stillTheSameEntries() {
        Map<String, CommitFiles.Entry> earlier = dir(100).entries();
        Map<String, CommitFiles.Entry> replaced = new LinkedHashMap<>();
        Map<String, CommitFiles.Entry> patched = earlier;
        for (int i = 0; i < 70; i++) {
            CommitFiles.Entry e = file("app" + i + ".yml", 10 + i);
            replaced.put(e.name(), e);
            patched = Listings.patched(patched, Map.of(e.name(), e));
        }
        Map<String, CommitFiles.Entry> expected = new LinkedHashMap<>(earlier);
        expected.putAll(replaced);
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(patched.entrySet()));
        assertEquals(List.of("app0.yml", "app1.yml"), new ArrayList<>(patched.keySet()).subList(0, 2));
        Map<String, CommitFiles.Entry> copied = patched;
        assertThrows(UnsupportedOperationException.class, () -> copied.put("x", file("x", 4)));
    }

    private static CommitFiles.Dir configDir(int apps) {
        Map<String, CommitFiles.Entry> m = new LinkedHashMap<>();
        m.put("application.yml", file("application.yml", 1));
        for (int i = 0; i < apps; i++) {
            m.put("app" + i + "-prod.yml", file("app" + i + "-prod.yml", 2));
            m.put("app" + i + ".properties", file("app" + i + ".properties", 3));
            m.put("app" + i + ".yml", file("app" + i + ".yml", 4));
        }
        m.put("notes", new CommitFiles.Entry("notes", id(5), true));
        return new CommitFiles.Dir(m, Map.of());
    }

    // what a listing made afresh of the same entries finds for each stem
    private static void assertSameConfigFiles(CommitFiles.Dir patched, List<String> stems) {
        CommitFiles.Dir fresh = new CommitFiles.Dir(new LinkedHashMap<>(patched.entries()), Map.of());
        for (String stem : stems) {
            CommitFiles.Entry[] want = fresh.configFiles(stem);
            CommitFiles.Entry[] got = patched.configFiles(stem);
            assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(got), stem);
        }
    }

    @Test
    void dirPatched_findsTheReplacedFilesByStem_asAListingMadeAfresh() {
        CommitFiles.Dir earlier = configDir(50);
        earlier.configFiles("app0"); // indexed, as after the renders at the earlier commit
        CommitFiles.Dir once = earlier.patched(Map.of("app7.yml", file("app7.yml", 10), "app8-prod.yml", file("app8-prod.yml", 11)));
        CommitFiles.Dir twice = once.patched(Map.of("app7.yml", file("app7.yml", 12), "application.yml", file("application.yml", 13)));
        List<String> stems = List.of("app7", "app8-prod", "app8", "application", "app9", "notes", "absent", "app7.yml");
        assertSameConfigFiles(once, stems);
        assertSameConfigFiles(twice, stems);
        assertEquals(file("app7.yml", 4), earlier.configFiles("app7")[1], "the earlier listing is left as it was");
        assertEquals(file("app7.yml", 10), once.configFiles("app7")[1]);
        assertSame(earlier.configFiles("app9"), twice.configFiles("app9"), "an unchanged stem: the base's own lookup");
    }

    @Test
    void dirPatched_manyTimes_copiedOnce_thenIndexedAfresh() {
        CommitFiles.Dir dir = configDir(100);
        List<String> stems = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            dir = dir.patched(Map.of("app" + i + ".yml", file("app" + i + ".yml", 100 + i)));
            stems.add("app" + i);
            stems.add("app" + i + "-prod");
        }
        assertSameConfigFiles(dir, stems);
        assertEquals(file("app19.yml", 119), dir.configFiles("app19")[1]);
        assertEquals(file("app80.yml", 4), dir.configFiles("app80")[1]);
    }
}
