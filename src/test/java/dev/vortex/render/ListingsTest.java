package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vortex.ops.Metrics;
import java.util.LinkedHashMap;
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
}
