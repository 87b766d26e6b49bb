package dev.vortex.git;

import java.util.Arrays;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A tree entry's parts as offsets into the tree's raw bytes ({@code mode SP name NUL id}), for
 * comparing two trees byte by byte: runs of identical entries are stepped over with one
 * {@link Arrays#mismatch} and a scan for each entry's end, where a tree parser compares entry by
 * entry (a 20,000-entry root is a few hundred microseconds instead of milliseconds).
 */
public record TreeEntry(int mode, int nameStart, int nameEnd, int end) {
    public static TreeEntry at(byte[] tree, int p) {
        int mode = 0;
        int i = p;
        for (; tree[i] != ' '; i++) {
            mode = (mode << 3) + (tree[i] - '0');
        }
        int nameStart = i + 1;
        int nul = nameStart;
        while (tree[nul] != 0) {
            nul++;
        }
        return new TreeEntry(mode, nameStart, nul, nul + 1 + Constants.OBJECT_ID_LENGTH);
    }

    /** The end of the entry at {@code p}, past its name's NUL and its id; {@link Integer#MAX_VALUE} past the last. */
    public static int endOf(byte[] tree, int p) {
        if (p >= tree.length) {
            return Integer.MAX_VALUE;
        }
        int nul = p + 6; // a mode and a space take at least 6 bytes
        while (tree[nul] != 0) {
            nul++;
        }
        return nul + 1 + Constants.OBJECT_ID_LENGTH;
    }

    /**
     * Where two trees that differ from {@code pa} and {@code pb} on stop being the same entry for
     * entry: {@code {pa, pb}} advanced past every whole entry of their identical run; null when
     * the rest of both is identical.
     */
    public static int[] skipSame(byte[] a, int pa, byte[] b, int pb) {
        int same = Arrays.mismatch(a, pa, a.length, b, pb, b.length);
        if (same < 0) {
            return null;
        }
        int differs = pa + same;
        for (int next = endOf(a, pa); next <= differs; next = endOf(a, pa)) {
            pb += next - pa;
            pa = next;
        }
        return new int[] {pa, pb};
    }

    public int type() {
        return mode & FileMode.TYPE_MASK;
    }

    public ObjectId id(byte[] tree) {
        return ObjectId.fromRaw(tree, nameEnd + 1);
    }

    public boolean sameId(byte[] tree, TreeEntry other, byte[] otherTree) {
        return Arrays.equals(tree, nameEnd + 1, end, otherTree, other.nameEnd + 1, other.end);
    }

    /** Git's order of entries: by name, a tree's name as if followed by {@code '/'}. */
    public int pathCompare(byte[] tree, TreeEntry other, byte[] otherTree) {
        int la = nameEnd - nameStart;
        int lb = other.nameEnd - other.nameStart;
        int common = Math.min(la, lb);
        int cmp = Arrays.compareUnsigned(tree, nameStart, nameStart + common, otherTree, other.nameStart, other.nameStart + common);
        if (cmp != 0) {
            return cmp;
        }
        int ca = la > common ? tree[nameStart + common] & 0xff : type() == FileMode.TYPE_TREE ? '/' : 0;
        int cb = lb > common ? otherTree[other.nameStart + common] & 0xff : other.type() == FileMode.TYPE_TREE ? '/' : 0;
        return ca - cb;
    }
}
