package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vortex.ops.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;
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
}
