package dev.vortex.git;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * The raw bytes of the newest root trees read (by id: content never changes under an id, so any
 * repository may use them), the newest {@link #HELD}: a local copy compares its new root with the one
 * it copied last, and the commit check diffs the same two roots ({@code render.TreeDiff}), without
 * inflating again what was just read (a monorepo's root is 1 MiB). One holder for both, so that a
 * root the copy read is the one the check finds.
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
        byte[] held = held(tree);
        return held != null ? held : reader.open(tree, Constants.OBJ_TREE).getCachedBytes(Integer.MAX_VALUE);
    }

    /** A root tree's raw bytes as {@link #read}, held when read here (never to be modified). */
    public static byte[] root(ObjectReader reader, ObjectId tree) throws IOException {
        return root(tree, () -> reader.open(tree, Constants.OBJ_TREE).getCachedBytes(Integer.MAX_VALUE));
    }

    /** Reads a tree's raw bytes. */
    @FunctionalInterface
    public interface TreeReader {
        byte[] read() throws IOException;
    }

    /** A root tree's raw bytes: held ones as they are, others from {@code read} (then held; a failed read holds nothing). */
    public static byte[] root(ObjectId tree, TreeReader read) throws IOException {
        byte[] held = held(tree);
        if (held != null) {
            return held;
        }
        byte[] raw = read.read();
        put(tree, raw);
        return raw;
    }

    private static byte[] held(ObjectId tree) {
        synchronized (TREES) {
            return TREES.get(tree);
        }
    }
}
