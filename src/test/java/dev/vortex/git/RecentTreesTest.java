package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The newest root trees read: held by id, read again only when pushed out. */
class RecentTreesTest {
    @Test
    void theNewestTwoAreHeld_readOnlyWhenNot() throws Exception {
        List<Integer> reads = new ArrayList<>();
        for (int tree : new int[] {1, 2, 1, 3, 1}) {
            byte[] raw = RecentTrees.root(id(tree), () -> {
                reads.add(tree);
                return new byte[] {(byte) tree};
            });
            assertEquals(tree, raw[0]);
        }
        assertEquals(List.of(1, 2, 3, 1), reads, "1 was held after 2, gone after 2 and 3");
        assertThrows(IOException.class, () -> RecentTrees.root(id(9), () -> {
            throw new IOException("missing");
        }));
        assertEquals(3, RecentTrees.root(id(3), () -> new byte[0])[0], "a failed read holds nothing");
    }

    // ids no repository of the other tests holds: the holder is the process's
    private static ObjectId id(int n) {
        return ObjectId.fromString(String.format("%040x", 0xfee1_0000L + n));
    }
}
