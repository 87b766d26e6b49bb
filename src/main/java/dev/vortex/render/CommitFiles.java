package dev.vortex.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The files of one commit, read straight from the object database: directory listings with
 * {@link TreeWalk} (cached by tree id, which names immutable content) and blobs by id. No
 * checkout, no working tree; a path can only name something inside the commit's tree. Symbolic
 * links (never followed: they could point outside the commit), submodules (their content is in
 * another repository) and entries whose name is not UTF-8 (no URL can name them faithfully) are
 * left out of the listings and noted as {@link Dir#skipped()}.
 * Not thread-safe (it holds one {@link ObjectReader}); open one per operation and close it.
 */
final class CommitFiles implements AutoCloseable {
    /** Files over this size are refused with a named error instead of being read into memory. */
    static final int MAX_FILE_BYTES = 10 * 1024 * 1024;

    private final ObjectReader reader;
    private final Listings listings;
    private final ObjectId rootTree;

    /** An entry of a directory: a subdirectory, or a regular file (symbolic links and submodules are left out). */
    record Entry(String name, ObjectId id, boolean directory) {
    }

    /**
     * One directory's entries by name, in git's order, and the names left out with why
     * ({@code symbolic link}, {@code submodule}, {@code name is not UTF-8}).
     */
    static final class Dir {
        private final Map<String, Entry> entries;
        private final Map<String, String> skipped;
        // the listing these entries are patched over ({@link #patched}), whose stem index serves this one too; null when listed
        private final Dir base;
        // stem → its configuration files as .properties, .yml, .yaml (null where none), made when first asked for
        private volatile Map<String, Entry[]> byStem;

        Dir(Map<String, Entry> entries, Map<String, String> skipped) {
            this(entries, skipped, null);
        }

        private Dir(Map<String, Entry> entries, Map<String, String> skipped, Dir base) {
            this.entries = entries;
            this.skipped = skipped;
            this.base = base;
        }

        Map<String, Entry> entries() {
            return entries;
        }

        Map<String, String> skipped() {
            return skipped;
        }

        Optional<Entry> file(String name) {
            Entry e = entries.get(name);
            return e == null || e.directory() ? Optional.empty() : Optional.of(e);
        }

        /**
         * This listing with {@code replaced} put over it (entries this one has, same names and kinds):
         * {@link Listings#patched}, and the stem index of the listing the patches pile up over serves
         * the new one too — a new commit that changes one file of a 20,000-file root no longer indexes
         * the 20,000 names again for its first render.
         */
        Dir patched(Map<String, Entry> replaced) {
            Dir over = base != null ? base : this;
            Map<String, Entry> now = Listings.patched(entries, replaced);
            return new Dir(now, skipped, Listings.isPatchOf(now, over.entries) ? over : null);
        }

        /**
         * The files {@code stem} + {@code .properties}, {@code .yml}, {@code .yaml} (null where there is
         * none), null when there is none of them: one lookup where an Environment made three for each
         * name it reads, in a root of 20,000 files, for each of 20,000 targets of a re-render.
         */
        Entry[] configFiles(String stem) {
            if (base != null) {
                return patchedOver(base.configFiles(stem));
            }
            Map<String, Entry[]> index = byStem;
            if (index == null) {
                index = new HashMap<>();
                for (Entry e : entries.values()) {
                    int kind = e.directory() ? -1 : configKind(e.name());
                    if (kind >= 0) {
                        String name = e.name();
                        String of = name.substring(0, name.length() - CONFIG_EXTENSIONS[kind].length());
                        index.computeIfAbsent(of, k -> new Entry[CONFIG_EXTENSIONS.length])[kind] = e;
                    }
                }
                byStem = index;
            }
            return index.get(stem);
        }

        // the base's files of a stem as this listing has them (the same names, some with another blob)
        private Entry[] patchedOver(Entry[] found) {
            if (found == null) {
                return null;
            }
            Entry[] out = found;
            for (int i = 0; i < found.length; i++) {
                if (found[i] != null) {
                    Entry now = entries.get(found[i].name());
                    if (now != found[i]) {
                        out = out == found ? found.clone() : out;
                        out[i] = now;
                    }
                }
            }
            return out;
        }
    }

    /** The extensions of configuration files, in the order Spring reads them within a location. */
    static final String[] CONFIG_EXTENSIONS = {".properties", ".yml", ".yaml"};

    private static int configKind(String name) {
        for (int i = 0; i < CONFIG_EXTENSIONS.length; i++) {
            if (name.endsWith(CONFIG_EXTENSIONS[i])) {
                return i;
            }
        }
        return -1;
    }

    /** A file over {@link #MAX_FILE_BYTES}. */
    static final class TooLarge extends Exception {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        TooLarge(long size) {
            super("file is " + size + " bytes, over the " + MAX_FILE_BYTES / (1024 * 1024) + " MiB bound", null, false, false);
        }
    }

    /**
     * @param listings listings and root tree ids remembered across openings: rendering thousands of
     *                 targets at one commit parses the commit and lists its directories once
     */
    CommitFiles(Repository git, ObjectId commit, Listings listings) {
        this.reader = git.newObjectReader();
        this.listings = listings;
        ObjectId root = listings.root(commit);
        if (root == null) {
            try (RevWalk walk = new RevWalk(reader)) {
                root = walk.parseCommit(commit).getTree().copy();
            } catch (IOException e) {
                reader.close();
                throw new UncheckedIOException("read commit " + commit.name(), e);
            }
            listings.root(commit, root);
        }
        this.rootTree = root;
    }

    /** The directory at {@code path} ({@code ""} = the root), if the commit has one there. */
    Optional<Dir> dir(String path) {
        Dir dir = tree(rootTree);
        if (path.isEmpty()) {
            return Optional.of(dir);
        }
        for (String segment : path.split("/")) {
            Entry e = dir.entries().get(segment);
            if (e == null || !e.directory()) {
                return Optional.empty();
            }
            dir = tree(e.id());
        }
        return Optional.of(dir);
    }

    /** The file at {@code path}, if the commit has a regular file there. */
    Optional<Entry> file(String path) {
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        return dir(parent).flatMap(d -> d.file(path.substring(slash + 1)));
    }

    /** The files that changed since {@code earlier} (another commit of the same repository), or empty when the trees differ in shape ({@link TreeDiff}). */
    Optional<java.util.List<TreeDiff.Change>> changesSince(CommitFiles earlier) {
        return TreeDiff.contentOnly(reader, earlier.rootTree, rootTree);
    }

    /**
     * Lists this commit's root from {@code earlier}'s listing, when that is cached and the roots differ
     * only in entries that kept their name and kind: the earlier entries with the changed ones replaced
     * ({@link Dir#patched}, made in time proportional to the change, not to the root). A change
     * in the root itself comes from {@code changes} (this commit's {@link #changesSince} {@code earlier});
     * one in a subdirectory needs that directory's new tree id, found by comparing the two roots.
     * Otherwise the root is listed when first asked for, as before.
     */
    void listRootFrom(CommitFiles earlier, java.util.List<TreeDiff.Change> changes) {
        Dir before = listings.tree(earlier.rootTree);
        if (before == null || listings.tree(rootTree) != null) {
            return;
        }
        Map<String, Entry> replaced = new HashMap<>();
        for (TreeDiff.Change c : changes) {
            if (!c.dir().isEmpty()) {
                replaced = changedRootEntries(earlier, before);
                break;
            }
            Entry old = before.entries().get(c.name());
            if (old == null || old.directory()) {
                return; // not listed before (a name the listing leaves out): listed in full when asked for
            }
            replaced.put(old.name(), new Entry(old.name(), c.after(), false));
        }
        if (replaced != null) {
            listings.put(rootTree, before.patched(replaced));
        }
    }

    /** The root entries that differ from {@code before} (the earlier root's listing), or null when one was added, removed or changed kind. */
    private Map<String, Entry> changedRootEntries(CommitFiles earlier, Dir before) {
        Map<String, Entry> replaced = new HashMap<>();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(earlier.rootTree);
            walk.addTree(rootTree);
            walk.setRecursive(false);
            walk.setFilter(TreeFilter.ANY_DIFF);
            while (walk.next()) {
                Entry old = before.entries().get(walk.getNameString());
                int type = walk.getRawMode(1) & FileMode.TYPE_MASK;
                if (old == null || (walk.getRawMode(0) & FileMode.TYPE_MASK) != type
                        || type != (old.directory() ? FileMode.TYPE_TREE : FileMode.TYPE_FILE)) {
                    return null; // added, removed, skipped or of another kind: listed in full when asked for
                }
                replaced.put(old.name(), new Entry(old.name(), walk.getObjectId(1), old.directory()));
            }
        } catch (IOException e) {
            return null; // listed in full when asked for, which names the problem
        }
        return replaced;
    }

    byte[] read(ObjectId blob) throws TooLarge {
        try {
            ObjectLoader loader = reader.open(blob, Constants.OBJ_BLOB);
            if (loader.getSize() > MAX_FILE_BYTES) {
                throw new TooLarge(loader.getSize());
            }
            return loader.getCachedBytes(MAX_FILE_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("read blob " + blob.name(), e);
        }
    }

    private Dir tree(ObjectId id) {
        Dir cached = listings.tree(id);
        if (cached != null) {
            return cached;
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(id);
            walk.setRecursive(false);
            while (walk.next()) {
                int type = walk.getRawMode(0) & FileMode.TYPE_MASK;
                boolean directory = type == FileMode.TYPE_TREE;
                String name = walk.getNameString();
                if (!utf8(walk.getRawPath())) {
                    skipped.put(name, "name is not UTF-8");
                } else if (directory || type == FileMode.TYPE_FILE) {
                    entries.put(name, new Entry(name, walk.getObjectId(0), directory));
                } else {
                    skipped.put(name, type == FileMode.TYPE_SYMLINK ? "symbolic link"
                            : type == FileMode.TYPE_GITLINK ? "submodule" : "unknown entry type");
                }
            }
        } catch (MissingObjectException e) {
            throw new UncheckedIOException("tree " + id.name() + " is missing from the mirror", e);
        } catch (IOException e) {
            throw new UncheckedIOException("read tree " + id.name(), e);
        }
        Dir dir = new Dir(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(skipped));
        listings.put(id, dir);
        return dir;
    }

    // a walk of one tree without recursion: the raw path is the entry's name
    private static boolean utf8(byte[] name) {
        boolean ascii = true;
        for (byte b : name) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return true; // most names; a decoder per name was a third of listing a 20,000-file tree
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
