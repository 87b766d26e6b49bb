package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The root trees used last: held by id, read again only when pushed out. */
class RecentTreesTest {
    private static final int MIB = 1 << 20;

    @Test
    void theRootsUsedLastAreHeld_withinTheBudget_readOnlyWhenNot() throws Exception {
        List<Integer> reads = new ArrayList<>();
        int size = (int) (RecentTrees.BUDGET * 3 / 8); // two fit, three do not
        for (int tree : new int[] {1, 2, 1, 3, 1, 2}) {
            assertEquals(tree, root(tree, size, reads)[0]);
        }
        assertEquals(List.of(1, 2, 3, 2), reads, "1, used after 2, is held beside 3; 2 is pushed out by 3");
        assertThrows(IOException.class, () -> RecentTrees.root(id(9), () -> {
            throw new IOException("missing");
        }));
        assertEquals(2, RecentTrees.root(id(2), () -> new byte[0])[0], "a failed read holds nothing");
    }

    @Test
    void twoAreHeld_howeverLarge() throws Exception {
        List<Integer> reads = new ArrayList<>();
        int size = (int) RecentTrees.BUDGET;
        for (int tree : new int[] {11, 12, 11, 12, 13, 12}) {
            root(tree, size, reads);
        }
        assertEquals(List.of(11, 12, 13), reads);
    }

    @Test
    void copyThenCheck_change_after_change_readsEachRootOnce() throws Exception {
        List<Integer> reads = new ArrayList<>();
        for (int k = 101; k < 110; k++) {
            change(k, MIB, reads);
        }
        assertEquals(List.of(100), reads, "only the restored root read: re-adding it no longer pushes out the newer one for good");
    }

    @Test
    void twoMonoreposChangingInTurn_eachKeepItsLastTwo() throws Exception {
        List<Integer> reads = new ArrayList<>();
        for (int k = 1; k < 10; k++) {
            change(200 + k, MIB, reads);
            change(300 + k, MIB, reads);
        }
        assertEquals(List.of(200, 300), reads, "each repository's restored root only");
    }

    /** One change's reads of roots: the copy holds the new root {@code k} and compares it with {@code k - 1}, the check diffs the two. */
    private static void change(int k, int size, List<Integer> reads) throws IOException {
        byte[] raw = new byte[size];
        raw[0] = (byte) k;
        RecentTrees.put(id(k), raw);
        if (k % 100 > 1) { // the copy's base: held, except the first (restored at start, read from disk)
            assertEquals((byte) (k - 1), RecentTrees.read(null, id(k - 1))[0], "root " + (k - 1) + " held for the copy");
        }
        root(k - 1, size, reads);
        root(k, size, reads);
    }

    private static byte[] root(int tree, int size, List<Integer> reads) throws IOException {
        return RecentTrees.root(id(tree), () -> {
            reads.add(tree);
            byte[] raw = new byte[Math.max(1, size)];
            raw[0] = (byte) tree;
            return raw;
        });
    }

    // ids no repository of the other tests holds: the holder is the process's
    private static ObjectId id(int n) {
        return ObjectId.fromString(String.format("%040x", 0xfee1_0000L + n));
    }
}
