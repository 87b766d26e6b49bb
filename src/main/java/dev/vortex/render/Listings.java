package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vortex.ops.Metrics;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What {@link CommitFiles} remembers across openings, all by ids that name immutable content:
 * directory listings by tree id (bounded, {@link Caches}) and each commit's root tree id.
 *
 * <p>The listings made last are also held apart from the bounded cache. A new commit's root
 * listing (3 MiB in a 20,000-file root) is read by every render at that commit as soon as it is
 * made, but the bounded cache's admission (W-TinyLFU) weighs it against the listing it would push
 * out — the previous commit's root, read thousands of times — and drops it: every render at the
 * new commit then listed the 20,000 entries again (most of a one-application change's render).
 */
final class Listings {
    /** The listings held apart: the newest commit's root and the one before it (a change renders both). */
    private static final int NEWEST = 2;

    private final Cache<ObjectId, CommitFiles.Dir> trees;
    // commit → root tree: a few hundred commits' worth, 100 bytes each
    private final Cache<ObjectId, ObjectId> roots = Caffeine.newBuilder().maximumSize(512).executor(Runnable::run).build();
    private final Map<ObjectId, CommitFiles.Dir> newest = new LinkedHashMap<>();

    /** Listings within {@code maxWeight} bytes (estimated: a listing entry takes about 160), beside the newest two. */
    Listings(long maxWeight, Metrics metrics) {
        this.trees = Caches.bounded("trees", maxWeight, d -> 128L + 160L * (d.entries().size() + d.skipped().size()), metrics);
    }

    /** The listing of a tree, null when it is not held. */
    CommitFiles.Dir tree(ObjectId id) {
        synchronized (newest) {
            CommitFiles.Dir d = newest.get(id);
            if (d != null) {
                return d;
            }
        }
        return trees.getIfPresent(id);
    }

    void put(ObjectId id, CommitFiles.Dir dir) {
        ObjectId key = id.copy();
        trees.put(key, dir);
        synchronized (newest) {
            newest.remove(key);
            newest.put(key, dir);
            if (newest.size() > NEWEST) {
                newest.remove(newest.keySet().iterator().next());
            }
        }
    }

    /** The root tree id of {@code commit}, null when not known yet. */
    ObjectId root(ObjectId commit) {
        return roots.getIfPresent(commit);
    }

    void root(ObjectId commit, ObjectId tree) {
        roots.put(commit.copy(), tree);
    }

    /**
     * {@code earlier}'s entries with {@code replaced} put over them (names that {@code earlier} has, so
     * the names and their order stay): a view over {@code earlier} with the replacements, in time
     * proportional to them — a new commit that changes one file of a 20,000-entry root no longer copies
     * the root's listing. Replacements pile up over one base across commits until they are more than
     * a sixteenth of it (at least 64), then the listing is copied once.
     */
    static Map<String, CommitFiles.Entry> patched(Map<String, CommitFiles.Entry> earlier, Map<String, CommitFiles.Entry> replaced) {
        Map<String, CommitFiles.Entry> base = earlier;
        Map<String, CommitFiles.Entry> all = new HashMap<>();
        if (earlier instanceof Patched p) {
            base = p.base;
            all.putAll(p.replaced);
        }
        all.putAll(replaced);
        if (all.size() <= Math.max(64, base.size() / 16)) {
            return new Patched(base, Map.copyOf(all));
        }
        Map<String, CommitFiles.Entry> copy = new LinkedHashMap<>(base);
        copy.putAll(all);
        return Collections.unmodifiableMap(copy);
    }

    /** True when {@code listing} is {@code base} with some entries replaced ({@link #patched} over it, not a copy). */
    static boolean isPatchOf(Map<String, CommitFiles.Entry> listing, Map<String, CommitFiles.Entry> base) {
        return listing instanceof Patched p && p.base == base;
    }

    /** A read-only listing: {@code base}'s entries, in its order, with some replaced. */
    private static final class Patched extends AbstractMap<String, CommitFiles.Entry> {
        private final Map<String, CommitFiles.Entry> base;
        private final Map<String, CommitFiles.Entry> replaced;

        Patched(Map<String, CommitFiles.Entry> base, Map<String, CommitFiles.Entry> replaced) {
            this.base = base;
            this.replaced = replaced;
        }

        @Override
        public CommitFiles.Entry get(Object name) {
            CommitFiles.Entry e = replaced.get(name);
            return e != null ? e : base.get(name);
        }

        @Override
        public boolean containsKey(Object name) {
            return base.containsKey(name);
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public Set<Entry<String, CommitFiles.Entry>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, CommitFiles.Entry>> iterator() {
                    Iterator<Entry<String, CommitFiles.Entry>> of = base.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return of.hasNext();
                        }

                        @Override
                        public Entry<String, CommitFiles.Entry> next() {
                            Entry<String, CommitFiles.Entry> e = of.next();
                            CommitFiles.Entry now = replaced.get(e.getKey());
                            return Map.entry(e.getKey(), now == null ? e.getValue() : now); // read-only, whatever the base's are
                        }
                    };
                }

                @Override
                public int size() {
                    return base.size();
                }
            };
        }
    }
}
