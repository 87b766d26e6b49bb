package dev.vortex.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The files that differ between two commits' trees, found by walking both trees side by side and
 * skipping every subtree with the same id ({@link TreeFilter#ANY_DIFF}): no listing is built, no
 * blob read, so a commit that changes one file of a 20,000-file directory costs one pass of byte
 * comparisons, not 20,000 lookups. Only a change of content is described: when the trees differ in
 * shape (a path added or removed, or not a regular file with a UTF-8 name on one side) the answer
 * is empty and callers look at the whole commit.
 */
final class TreeDiff {
    private TreeDiff() {
    }

    /** A regular file at the same path in both trees, with other content. */
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
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(before);
            walk.addTree(after);
            walk.setRecursive(true);
            walk.setFilter(TreeFilter.ANY_DIFF);
            while (walk.next()) {
                if (!regular(walk.getRawMode(0)) || !regular(walk.getRawMode(1)) || !ascii(walk.getRawPath())) {
                    return Optional.empty();
                }
                changes.add(new Change(walk.getPathString(), walk.getObjectId(0), walk.getObjectId(1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compare trees " + before.name() + " and " + after.name(), e);
        }
        return Optional.of(List.copyOf(changes));
    }

    private static boolean regular(int mode) {
        return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
    }

    // other names are rare: the whole commit is looked at, with the listings' own UTF-8 rule
    private static boolean ascii(byte[] path) {
        for (byte b : path) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
