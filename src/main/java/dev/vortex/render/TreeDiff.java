package dev.vortex.render;

import dev.vortex.git.RecentTrees;
import dev.vortex.git.TreeEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * The files that differ between two commits' trees, found by comparing the two trees' raw bytes
 * and descending only into subtrees whose ids differ: no listing is built, no blob read. Identical
 * runs of entries are skipped with one vectorized comparison ({@link Arrays#mismatch}) and a scan
 * for each entry's end, so a commit that changes one file of a 20,000-file directory costs a few
 * hundred microseconds, not a {@code TreeWalk} step per entry (most of the commit check before).
 * The two root trees' bytes are read through {@link RecentTrees#root}, which holds the newest two:
 * the next commit's diff starts from this one's new root without inflating it again, and a root a
 * local copy just read is not inflated again either.
 * Only a change of content is described: when the trees differ in shape (a path added or removed,
 * or not a regular file with an ASCII name on one side) the answer is empty and callers look at
 * the whole commit.
 */
final class TreeDiff {
    private TreeDiff() {
    }

    /** A regular file at the same path in both trees, with other content (or mode). */
    record Change(String path, ObjectId before, ObjectId after) {
        /** The directory ({@code ""} for the root). */
        String dir() {
            int slash = path.lastIndexOf('/');
            return slash < 0 ? "" : path.substring(0, slash);
        }

        String name() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** The changed files, in git's path order; empty when the trees differ in shape. */
    static Optional<List<Change>> contentOnly(ObjectReader reader, ObjectId before, ObjectId after) {
        List<Change> changes = new ArrayList<>();
        try {
            byte[] a = RecentTrees.root(reader, before);
            byte[] b = RecentTrees.root(reader, after);
            return compare(reader, "", a, b, changes) ? Optional.of(List.copyOf(changes)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("compare trees " + before.name() + " and " + after.name(), e);
        }
    }

    /** Adds the changes between two trees under {@code prefix}; false when they differ in shape. */
    private static boolean compare(ObjectReader reader, String prefix, byte[] a, byte[] b, List<Change> out) throws IOException {
        int pa = 0;
        int pb = 0;
        while (true) {
            int[] at = TreeEntry.skipSame(a, pa, b, pb); // the entries of an identical run are the same in both
            if (at == null) {
                return true;
            }
            pa = at[0];
            pb = at[1];
            if (pa >= a.length || pb >= b.length) {
                return false; // one tree has more entries
            }
            TreeEntry ea = TreeEntry.at(a, pa);
            TreeEntry eb = TreeEntry.at(b, pb);
            if (!Arrays.equals(a, ea.nameStart(), ea.nameEnd(), b, eb.nameStart(), eb.nameEnd()) || !ascii(a, ea.nameStart(), ea.nameEnd())) {
                return false; // another name (added, removed, renamed) or one only the listings' own UTF-8 rule reads
            }
            String path = prefix + new String(a, ea.nameStart(), ea.nameEnd() - ea.nameStart(), StandardCharsets.US_ASCII);
            if (ea.type() == FileMode.TYPE_FILE && eb.type() == FileMode.TYPE_FILE) {
                out.add(new Change(path, ea.id(a), eb.id(b)));
            } else if (ea.type() != FileMode.TYPE_TREE || eb.type() != FileMode.TYPE_TREE) {
                return false; // a symbolic link, a submodule, or a file that became a directory
            } else if (!ea.id(a).equals(eb.id(b)) && !compare(reader, path + "/", read(reader, ea.id(a)), read(reader, eb.id(b)), out)) {
                return false;
            }
            pa = ea.end();
            pb = eb.end();
        }
    }

    private static byte[] read(ObjectReader reader, ObjectId tree) throws IOException {
        return RecentTrees.read(reader, tree);
    }

    // other names are rare: the whole commit is looked at, with the listings' own UTF-8 rule
    private static boolean ascii(byte[] name, int from, int to) {
        for (int i = from; i < to; i++) {
            if (name[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
