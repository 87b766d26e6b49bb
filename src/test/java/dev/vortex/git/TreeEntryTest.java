package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.util.Paths;
import org.junit.jupiter.api.Test;

/** Raw tree entries against JGit's own reading of them: order, parts, and the skip over identical runs. */
class TreeEntryTest {
    private static final FileMode[] MODES = {FileMode.REGULAR_FILE, FileMode.EXECUTABLE_FILE, FileMode.TREE, FileMode.SYMLINK, FileMode.GITLINK};

    @Test
    void pathCompare_ordersAsGitDoes_aTreeAsIfItsNameEndedInASlash() {
        Random random = new Random(20261203);
        for (int i = 0; i < 20_000; i++) {
            String a = name(random);
            String b = random.nextInt(4) == 0 ? a : name(random);
            FileMode ma = MODES[random.nextInt(MODES.length)];
            FileMode mb = MODES[random.nextInt(MODES.length)];
            byte[] ta = entry(ma, a, ObjectId.zeroId());
            byte[] tb = entry(mb, b, ObjectId.zeroId());
            byte[] na = a.getBytes(StandardCharsets.UTF_8);
            byte[] nb = b.getBytes(StandardCharsets.UTF_8);
            int expected = Integer.signum(Paths.compare(na, 0, na.length, ma.getBits(), nb, 0, nb.length, mb.getBits()));
            assertEquals(expected, Integer.signum(TreeEntry.at(ta, 0).pathCompare(ta, TreeEntry.at(tb, 0), tb)), ma + " " + a + " / " + mb + " " + b);
        }
    }

    @Test
    void anEntrysParts_andWhereItEnds() {
        ObjectId id = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
        byte[] tree = concat(entry(FileMode.TREE, "conf", id), entry(FileMode.REGULAR_FILE, "app.yml", ObjectId.zeroId()));
        TreeEntry first = TreeEntry.at(tree, 0);
        assertEquals(FileMode.TYPE_TREE, first.type());
        assertEquals("conf", new String(tree, first.nameStart(), first.nameEnd() - first.nameStart(), StandardCharsets.US_ASCII));
        assertEquals(id, first.id(tree));
        assertEquals(first.end(), TreeEntry.endOf(tree, 0));
        TreeEntry second = TreeEntry.at(tree, first.end());
        assertEquals(FileMode.TYPE_FILE, second.type());
        assertEquals(tree.length, second.end());
        assertEquals(Integer.MAX_VALUE, TreeEntry.endOf(tree, tree.length));
    }

    @Test
    void skipSame_stepsOverWholeEqualEntriesOnly() {
        byte[] a1 = entry(FileMode.REGULAR_FILE, "a.yml", ObjectId.zeroId());
        byte[] b1 = entry(FileMode.REGULAR_FILE, "b.yml", ObjectId.zeroId());
        byte[] b2 = entry(FileMode.REGULAR_FILE, "b.yml", ObjectId.fromString("ffffffffffffffffffffffffffffffffffffffff"));
        byte[] c1 = entry(FileMode.REGULAR_FILE, "c.yml", ObjectId.zeroId());
        byte[] before = concat(a1, b1, c1);
        byte[] after = concat(a1, b2, c1);
        assertArrayEquals(new int[] {a1.length, a1.length}, TreeEntry.skipSame(after, 0, before, 0), "stops at the start of b.yml, not inside its id");
        assertNull(TreeEntry.skipSame(after, a1.length + b2.length, before, a1.length + b1.length), "the rest is the same");
        byte[] longer = concat(a1, b1, c1, entry(FileMode.REGULAR_FILE, "d.yml", ObjectId.zeroId()));
        assertArrayEquals(new int[] {before.length, before.length}, TreeEntry.skipSame(longer, 0, before, 0), "one tree ends first");
    }

    private static String name(Random random) {
        StringBuilder s = new StringBuilder();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            s.append("a-.0b~\u00e9".charAt(random.nextInt(7)));
        }
        return s.toString();
    }

    private static byte[] entry(FileMode mode, String name, ObjectId id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Integer.toOctalString(mode.getBits()).getBytes(StandardCharsets.US_ASCII)); // as git writes it: 40000, no leading 0
        out.write(' ');
        out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        byte[] raw = new byte[20];
        id.copyRawTo(raw, 0);
        out.writeBytes(raw);
        return out.toByteArray();
    }

    /** Entries one after the other, as a tree holds them. */
    private static byte[] concat(byte[]... entries) {
        byte[] tree = new byte[java.util.Arrays.stream(entries).mapToInt(e -> e.length).sum()];
        int at = 0;
        for (byte[] e : entries) {
            System.arraycopy(e, 0, tree, at, e.length);
            at += e.length;
        }
        return tree;
    }
}
