package dev.vortex.git;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * The raw bytes of the root trees {@link LocalCopy} read last, by id (content never changes under
 * an id, so any repository may use them): the next copy compares its new root with this one, and
 * the commit check diffs the same two roots, without inflating again what was just inflated (a
 * monorepo's root is 1 MiB). The newest {@link #HELD} only.
 */
public final class RecentTrees {
    static final int HELD = 2;
    private static final Map<ObjectId, byte[]> TREES = new LinkedHashMap<>();

    private RecentTrees() {
    }

    static void put(ObjectId tree, byte[] raw) {
        synchronized (TREES) {
            TREES.put(tree.copy(), raw);
            if (TREES.size() > HELD) {
                TREES.remove(TREES.keySet().iterator().next());
            }
        }
    }

    /** The tree's raw bytes: held ones as they are (never to be modified), others read with {@code reader}. */
    public static byte[] read(ObjectReader reader, ObjectId tree) throws IOException {
        synchronized (TREES) {
            byte[] held = TREES.get(tree);
            if (held != null) {
                return held;
            }
        }
        return reader.open(tree, Constants.OBJ_TREE).getCachedBytes(Integer.MAX_VALUE);
    }
}
