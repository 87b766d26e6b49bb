package dev.vortex.git;

import dev.vortex.ops.Log;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectDatabase;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdSubclassMap;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.util.FS;

/**
 * A fetch from a repository on this machine that copies what its new commits brought straight
 * from its object store into the mirror's, where a fetch (even {@link LocalFetch}'s) has one side
 * walk the whole of the old and the new root tree to find the new objects, pack them, and the
 * other parse and index that pack: on a 10,000-application monorepo whose root tree holds 20,001
 * entries, most of a one-file change. Here each new commit's trees are compared with its first
 * parent's, entry by entry, descending only where they differ, and what differs and the mirror
 * lacks is copied: as the same file when the repository stores it loose ({@link LooseObjects}), else
 * into one pack, each object hashed again on the way in (a corrupt object is refused either way). A commit
 * whose parent the mirror has was fetched whole before it (a fetch leaves nothing half-copied), so
 * an equal entry is in the mirror already.
 *
 * <p>Only a namespace that has a commit already, and a change of at most {@link #MAX_OBJECTS}
 * objects, is copied; a first fetch, a larger one, a shallow repository or one that cannot be read
 * as expected is left to {@link LocalFetch} (empty answer), so what a failing fetch says stays JGit's.
 */
final class LocalCopy {
    private static final Log LOG = Log.of(LocalCopy.class);
    /** Beyond this, JGit's pack is the cheaper way (and the first fetch of a large repository is one). */
    static final int MAX_OBJECTS = 2_000;
    /** How far back from its refs' commits a commit the mirror holds is looked for (a force push back to it). */
    static final int ANCESTRY = 1_000;

    /** What the copy did: the namespace refs it set, and the repository's HEAD (null: none). */
    record Copied(List<NewCommits.Move> moves, Ref head) {
    }

    /** The copy was larger than {@link #MAX_OBJECTS} or met something it leaves to a fetch. */
    private static final class NotHere extends Exception {
        private static final long serialVersionUID = 1L;

        NotHere(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * An object to copy, with its type; its content when the copy read it already (a tree it compared;
     * else null), and the repository's loose file of it when it has one (checked; else null).
     */
    private record Queued(ObjectId id, int type, byte[] bytes, byte[] file) {
    }

    private final ObjectReader source;
    /** The repository's own object store, whose loose files are copied as they are; null when it is not a directory. */
    private final ObjectDirectory sourceObjects;
    private final ObjectReader own;
    private final Repository local;
    private final ObjectDatabase mirror;
    /** What the mirror's refs point to (tags peeled too): commits it has whole. */
    private final ObjectIdSubclassMap<ObjectId> tips;
    private final ObjectIdSubclassMap<ObjectId> queued = new ObjectIdSubclassMap<>();
    private final List<Queued> order = new ArrayList<>();

    private LocalCopy(ObjectReader source, ObjectDirectory sourceObjects, Repository local, ObjectReader own) throws IOException {
        this.source = source;
        this.sourceObjects = sourceObjects;
        this.own = own;
        this.local = local;
        this.mirror = local.getObjectDatabase();
        this.tips = tips(local);
    }

    /**
     * {@link #fetch} of the repository at {@code gitDir} (what {@link LocalFetch#gitDir} found); empty
     * when the copy does not apply or failed (logged at debug level) — a fetch then says what is wrong.
     */
    static Optional<Copied> attempt(Repository local, File gitDir, List<RefSpec> specs, boolean prune) {
        try {
            return fetch(local, gitDir, specs, prune);
        } catch (IOException | RuntimeException e) {
            RepositoryCache.unregister(RepositoryCache.FileKey.exact(gitDir, FS.DETECTED)); // the next one opens it afresh
            LOG.debug("local copy failed, fetching instead", "err", e.getClass().getSimpleName() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Copies {@code specs} ({@code +refs/…:<ns>…}) of the repository at {@code gitDir} into
     * {@code local}, deleting namespace refs the repository no longer has when {@code prune}; empty
     * when this copy does not apply and nothing was changed.
     */
    static Optional<Copied> fetch(Repository local, File gitDir, List<RefSpec> specs, boolean prune) throws IOException {
        if (!(local.getObjectDatabase() instanceof ObjectDirectory objects)) {
            return Optional.empty();
        }
        // kept open between fetches (JGit's cache closes it after an hour unused): a fresh one read the
        // repository's pack index again each time, a fifth of a monorepo's copy
        try (Repository remote = RepositoryCache.open(RepositoryCache.FileKey.exact(gitDir, FS.DETECTED), true);
             ObjectReader reader = remote.newObjectReader();
             ObjectReader own = local.newObjectReader()) {
            if (!remote.getObjectDatabase().getShallowCommits().isEmpty()) {
                return Optional.empty();
            }
            Map<String, ObjectId> wanted = new LinkedHashMap<>(); // namespace ref → the repository's id
            List<String> gone = new ArrayList<>();
            boolean started = false;
            for (RefSpec spec : specs) {
                String prefix = spec.isWildcard() ? spec.getSource().substring(0, spec.getSource().length() - 1) : spec.getSource();
                for (Ref r : remote.getRefDatabase().getRefsByPrefix(prefix)) {
                    if (r.getObjectId() != null && spec.matchSource(r.getName())) {
                        wanted.put(spec.expandFromSource(r.getName()).getDestination(), r.getObjectId());
                    }
                }
                String dest = spec.isWildcard() ? spec.getDestination().substring(0, spec.getDestination().length() - 1) : spec.getDestination();
                for (Ref r : local.getRefDatabase().getRefsByPrefix(dest)) {
                    started = true;
                    if (prune && !wanted.containsKey(r.getName())) {
                        gone.add(r.getName());
                    }
                }
            }
            if (!started) {
                return Optional.empty();
            }
            LocalCopy copy = new LocalCopy(reader, remote.getObjectDatabase() instanceof ObjectDirectory d ? d : null, local, own);
            try {
                for (ObjectId id : wanted.values()) {
                    copy.object(id);
                }
            } catch (NotHere | org.eclipse.jgit.errors.MissingObjectException e) {
                return Optional.empty();
            }
            copy.store(objects);
            List<NewCommits.Move> moves = new ArrayList<>();
            for (Map.Entry<String, ObjectId> w : wanted.entrySet()) {
                NamespaceRefs.set(local, w.getKey(), w.getValue(), "fetch: copied").ifPresent(moves::add);
            }
            for (String name : gone) {
                NamespaceRefs.set(local, name, null, "fetch: copied").ifPresent(moves::add);
            }
            return Optional.of(new Copied(moves, remote.exactRef(Constants.HEAD)));
        }
    }

    /**
     * Queues {@code id} and what it reaches that the mirror lacks. A commit (or tag) counts as had
     * only when a mirror ref reaches it ({@link #needHistory}): one the mirror holds that no ref
     * reaches may be left by a fetch that failed half-way, so the copy leaves it to a fetch.
     */
    private void object(ObjectId id) throws IOException, NotHere {
        Deque<ObjectId> commits = new ArrayDeque<>();
        try (RevWalk walk = new RevWalk(source)) {
            RevObject o = walk.parseAny(id);
            while (o instanceof RevTag tag) {
                if (!needHistory(tag, Constants.OBJ_TAG)) {
                    return;
                }
                o = walk.parseAny(tag.getObject());
            }
            if (!(o instanceof RevCommit)) {
                throw new NotHere("a ref to a " + Constants.typeString(o.getType()));
            }
            commits.push(o);
            while (!commits.isEmpty()) {
                RevCommit c = walk.parseCommit(commits.pop());
                if (!needHistory(c, Constants.OBJ_COMMIT)) {
                    continue;
                }
                RevCommit first = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
                tree(c.getTree(), first == null ? null : first.getTree(), true);
                for (RevCommit p : c.getParents()) {
                    commits.push(p);
                }
            }
        }
    }

    /** Queues a commit or tag unless a mirror ref reaches it or it is queued; true when queued now. */
    private boolean needHistory(ObjectId id, int type) throws IOException, NotHere {
        if (tips.contains(id) || queued.contains(id)) {
            return false;
        }
        if (mirror.has(id)) {
            if (type == Constants.OBJ_COMMIT && reachable(id)) {
                return false;
            }
            throw new NotHere("the mirror holds " + id.name() + " but no ref reaches it within " + ANCESTRY + " commits");
        }
        queue(id, type, null, null);
        return true;
    }

    /** True when {@code commit} is among the {@link #ANCESTRY} newest commits the mirror's refs reach (a force push back to it). */
    private boolean reachable(ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(local)) {
            for (ObjectId tip : tips) {
                if (walk.parseAny(tip) instanceof RevCommit c) {
                    walk.markStart(c);
                }
            }
            int seen = 0;
            for (RevCommit c = walk.next(); c != null && seen < ANCESTRY; c = walk.next(), seen++) {
                if (c.equals(commit)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Queues the tree {@code id} if the mirror lacks it, and what in it differs from {@code base}
     * (null: everything), descending into every differing tree even one the mirror has: a tree held
     * without a ref reaching it may lack what it names; an equal entry is whole as its base is. The
     * two trees are compared as raw bytes ({@link TreeEntry}); a commit's root is held for the next
     * copy and the commit check ({@link RecentTrees}).
     */
    private void tree(ObjectId id, ObjectId base, boolean root) throws IOException, NotHere {
        if (queued.contains(id)) {
            return;
        }
        Optional<LooseObjects.Loose> loose = loose(id, Constants.OBJ_TREE);
        byte[] now = loose.isPresent() ? loose.get().content() : source.open(id, Constants.OBJ_TREE).getCachedBytes();
        if (root) {
            RecentTrees.put(id, now);
        }
        if (!mirror.has(id)) {
            queue(id, Constants.OBJ_TREE, now, loose.map(LooseObjects.Loose::file).orElse(null));
        }
        // the base as read last, else from the mirror when it has it (stored uncompressed or loose), else the repository's
        byte[] before = base == null ? null : RecentTrees.read(mirror.has(base) ? own : source, base);
        int pa = 0;
        int pb = 0;
        while (pa < now.length) {
            if (before != null && pb < before.length) {
                int[] at = TreeEntry.skipSame(now, pa, before, pb);
                if (at == null) {
                    return;
                }
                pa = at[0];
                pb = at[1];
                if (pa >= now.length) {
                    return;
                }
            }
            TreeEntry entry = TreeEntry.at(now, pa);
            TreeEntry was = before == null || pb >= before.length ? null : TreeEntry.at(before, pb);
            int cmp = was == null ? -1 : entry.pathCompare(now, was, before);
            if (cmp > 0) {
                pb = was.end(); // not in the new tree
                continue;
            }
            if (cmp < 0 || entry.mode() != was.mode() || !entry.sameId(now, was, before)) {
                differing(entry.id(now), entry.type(), cmp == 0 && was.type() == FileMode.TYPE_TREE ? was.id(before) : null);
            }
            if (cmp == 0) {
                pb = was.end();
            }
            pa = entry.end();
        }
    }

    /** Queues an entry that differs from its base's: a tree as {@link #tree}, a file the mirror lacks; a submodule's commit is not ours. */
    private void differing(ObjectId id, int type, ObjectId baseTree) throws IOException, NotHere {
        if (type == FileMode.TYPE_TREE) {
            tree(id, baseTree, false);
        } else if (type != FileMode.TYPE_GITLINK && !queued.contains(id) && !mirror.has(id)) {
            queue(id, Constants.OBJ_BLOB, null, null);
        }
    }

    private void queue(ObjectId id, int type, byte[] bytes, byte[] file) throws NotHere {
        if (order.size() == MAX_OBJECTS) {
            throw new NotHere("more than " + MAX_OBJECTS + " objects");
        }
        ObjectId held = id.copy();
        queued.add(held);
        order.add(new Queued(held, type, bytes, file));
    }

    /** Inserts what {@code loader} reads (streamed when it is large); the id its content hashes to. */
    private static ObjectId copy(ObjectLoader loader, int type, ObjectInserter inserter) throws IOException {
        if (!loader.isLarge()) {
            return inserter.insert(type, loader.getCachedBytes());
        }
        try (InputStream in = loader.openStream()) {
            return inserter.insert(type, loader.getSize(), in);
        }
    }

    /** Every object a mirror ref points to, and tags peeled to what they point to. */
    private static ObjectIdSubclassMap<ObjectId> tips(Repository local) throws IOException {
        ObjectIdSubclassMap<ObjectId> tips = new ObjectIdSubclassMap<>();
        for (Ref r : local.getRefDatabase().getRefs()) {
            Ref peeled = r.isPeeled() ? r : local.getRefDatabase().peel(r);
            for (ObjectId id : new ObjectId[] {peeled.getObjectId(), peeled.getPeeledObjectId()}) {
                if (id != null && !tips.contains(id)) {
                    tips.add(id.copy());
                }
            }
        }
        return tips;
    }

    /** The repository's loose file of an object, checked; empty when it stores the object otherwise. */
    private Optional<LooseObjects.Loose> loose(ObjectId id, int type) throws IOException {
        return sourceObjects == null ? Optional.empty() : LooseObjects.read(sourceObjects, id, type);
    }

    /**
     * Writes the queued objects into the mirror: those the repository stores loose as the same files,
     * the others into one pack, uncompressed as {@link LocalFetch}'s packs are, each hashed again. Every
     * object is checked before anything is written: one whose bytes are not its name fails the copy.
     */
    private void store(ObjectDirectory objects) throws IOException {
        List<Queued> files = new ArrayList<>();
        List<Queued> packed = new ArrayList<>();
        for (Queued q : order) {
            Optional<LooseObjects.Loose> loose = q.file() != null || q.bytes() != null ? Optional.empty() : loose(q.id(), q.type());
            if (q.file() != null || loose.isPresent()) {
                files.add(loose.isPresent() ? new Queued(q.id(), q.type(), null, loose.get().file()) : q);
            } else {
                packed.add(q);
            }
        }
        if (!packed.isEmpty()) {
            try (PackInserter inserter = objects.newPackInserter()) {
                inserter.setCompressionLevel(Deflater.NO_COMPRESSION);
                inserter.checkExisting(false);
                for (Queued q : packed) {
                    ObjectId written = q.bytes() != null ? inserter.insert(q.type(), q.bytes()) : copy(source.open(q.id(), q.type()), q.type(), inserter);
                    if (!written.equals(q.id())) {
                        throw LooseObjects.corrupt(q.id(), "its content hashes to " + written.name());
                    }
                }
                inserter.flush();
            }
        }
        for (Queued q : files) {
            LooseObjects.write(objects, q.id(), q.file());
        }
    }
}
