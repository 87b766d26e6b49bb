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
    @Test
    void theTwoUsedLastAreHeld_readOnlyWhenNot() throws Exception {
        List<Integer> reads = new ArrayList<>();
        for (int tree : new int[] {1, 2, 1, 3, 1, 2}) {
            assertEquals(tree, root(tree, reads)[0]);
        }
        assertEquals(List.of(1, 2, 3, 2), reads, "1, used after 2, is held beside 3; 2 is pushed out by 3");
        assertThrows(IOException.class, () -> RecentTrees.root(id(9), () -> {
            throw new IOException("missing");
        }));
        assertEquals(2, RecentTrees.root(id(2), () -> new byte[0])[0], "a failed read holds nothing");
    }

    @Test
    void copyThenCheck_change_after_change_readsEachRootOnce() throws Exception {
        List<Integer> reads = new ArrayList<>();
        for (int k = 101; k < 110; k++) {
            RecentTrees.put(id(k), new byte[] {(byte) k}); // the copy reads the new root…
            if (k > 101) { // …and compares it with the root it copied last (the first, restored at start, it reads from disk)
                assertEquals((byte) (k - 1), RecentTrees.read(null, id(k - 1))[0], "root " + (k - 1) + " held for the copy");
            }
            root(k - 1, reads); // the check diffs the two
            root(k, reads);
        }
        assertEquals(List.of(100), reads, "only the restored root read: re-adding it no longer pushes out the newer one for good");
    }

    private static byte[] root(int tree, List<Integer> reads) throws IOException {
        return RecentTrees.root(id(tree), () -> {
            reads.add(tree);
            return new byte[] {(byte) tree};
        });
    }

    // ids no repository of the other tests holds: the holder is the process's
    private static ObjectId id(int n) {
        return ObjectId.fromString(String.format("%040x", 0xfee1_0000L + n));
    }
}
