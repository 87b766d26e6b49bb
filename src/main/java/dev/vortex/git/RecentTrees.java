package dev.vortex.git;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * The raw bytes of the root trees read last (by id: content never changes under an id, so any
 * repository may use them), those used most recently: a local copy compares its new root with the
 * one it copied last, and the commit check diffs the same two roots ({@code render.TreeDiff}), without
 * inflating again what was just read (a monorepo's root is 1 MiB). One holder for both, so that a
 * root the copy read is the one the check finds. Least recently used goes first, not least recently
 * added: the check re-adds the older root it misses, and by order of adding that pushed out the newer
 * one, which the next copy and check then read again (two 1 MiB inflates per change). Held by size,
 * not count, so that several repositories changing in turn each keep their last two.
 */
public final class RecentTrees {
    /** At least this many are held, however large. */
    static final int HELD = 2;
    /** Beyond those, what fits in this: a few monorepos' last two roots, hundreds of small repositories'. */
    static final long BUDGET = 4L << 20;
    private static final Map<ObjectId, byte[]> TREES = new LinkedHashMap<>(16, 0.75f, true);
    private static long bytes;

    private RecentTrees() {
    }

    static void put(ObjectId tree, byte[] raw) {
        synchronized (TREES) {
            byte[] was = TREES.put(tree.copy(), raw);
            bytes += raw.length - (was == null ? 0 : was.length);
            Iterator<byte[]> leastRecent = TREES.values().iterator();
            while (TREES.size() > HELD && bytes > BUDGET) {
                bytes -= leastRecent.next().length;
                leastRecent.remove();
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
