package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vortex.config.RepoConfig;
import dev.vortex.state.BrokenFile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a new commit changed since the one served before, and what follows from that in time
 * proportional to the change rather than to the repository: the files whose content changed
 * ({@link TreeDiff}, found once and remembered for the few commits a change is looked at by: the
 * check, then the fan-out), the check of the new commit from the old one's ({@link BrokenFiles#since}),
 * the applications that read the changed files ({@link ChangedFiles}), and the new commit's
 * {@link Inventory}, the old one's when no file's names or profiles changed. A change of shape (a
 * file added or removed) falls back to looking at the whole commit. Thread-safe.
 */
final class CommitChanges {
    private final ParseCache parser;
    private final BrokenFiles brokenFiles;
    private final Function<ResolvedCommit, CommitFiles> open;
    // (from, to) → the content changes, empty when the trees differ in shape
    private final Cache<List<ObjectId>, Optional<List<TreeDiff.Change>>> diffs = Caffeine.newBuilder()
            .maximumSize(16).executor(Runnable::run).build();
    /** Per repository, the inventory computed last and its commit: the next commit's, when only content changed. */
    private final Map<String, Known> lastInventory = new ConcurrentHashMap<>();

    private record Known(ObjectId commit, Inventory inventory) {
    }

    CommitChanges(ParseCache parser, BrokenFiles brokenFiles, Function<ResolvedCommit, CommitFiles> open) {
        this.parser = parser;
        this.brokenFiles = brokenFiles;
        this.open = open;
    }

    /** The check of {@code at} from {@code earlier}'s; empty when the commits differ in shape (check it all). */
    Optional<List<BrokenFile>> check(RepoConfig repo, ResolvedCommit at, ObjectId earlier, List<BrokenFile> earlierBroken,
                                     Supplier<Inventory> inventory) {
        Optional<List<TreeDiff.Change>> changes = changes(new ResolvedCommit(at.git(), earlier), at);
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        try (CommitFiles files = open.apply(at)) {
            return Optional.of(brokenFiles.since(repo, at.commit(), files, earlier, earlierBroken, changes.get(), inventory));
        }
    }

    /** The applications that may read a file that changed; empty when every application may. */
    Optional<Set<String>> touched(RepoConfig repo, ResolvedCommit from, ResolvedCommit to) {
        Optional<List<TreeDiff.Change>> changes = changes(from, to);
        try (CommitFiles b = open.apply(to)) {
            if (changes.isPresent()) {
                return ChangedFiles.readers(SearchPaths.every(repo.searchPaths(), b), changes.get());
            }
            try (CommitFiles a = open.apply(from)) {
                return ChangedFiles.readers(repo, a, b);
            }
        }
    }

    /**
     * The commit's inventory: the last one computed for the repository when it is of this commit, or
     * only content changed since and no profile with it; else computed. (The inventories cache may
     * not keep one of a monorepo — 2 MiB at 10,000 applications — so it is asked again.)
     */
    Inventory inventory(RepoConfig repo, ResolvedCommit at) {
        Known last = lastInventory.get(repo.name());
        Inventory inventory = last != null && (last.commit().equals(at.commit()) || sameInventory(repo, last.commit(), at))
                ? last.inventory() : null;
        if (inventory == null) {
            try (CommitFiles files = open.apply(at)) {
                inventory = Inventories.of(repo, files, parser);
            }
        }
        lastInventory.put(repo.name(), new Known(at.commit(), inventory));
        return inventory;
    }

    /** Names are the same (content only changed), and so are the profiles every changed configuration file names. */
    boolean sameInventory(RepoConfig repo, ObjectId earlier, ResolvedCommit at) {
        Optional<List<TreeDiff.Change>> changes = changes(new ResolvedCommit(at.git(), earlier), at);
        if (changes.isEmpty()) {
            return false;
        }
        try (CommitFiles files = open.apply(at)) {
            Map<String, SearchPaths.Match> dirs = new HashMap<>();
            SearchPaths.every(repo.searchPaths(), files).forEach(m -> dirs.put(m.dir(), m));
            for (TreeDiff.Change c : changes.get()) {
                Optional<ParseCache.Format> format = ParseCache.Format.of(c.name());
                if (dirs.containsKey(c.dir()) && format.isPresent()
                        && !Objects.equals(profiles(files, c.name(), c.before(), format.get()), profiles(files, c.name(), c.after(), format.get()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private Set<String> profiles(CommitFiles files, String name, ObjectId blob, ParseCache.Format format) {
        return parser.facts(files, new CommitFiles.Entry(name, blob, false), format).profiles();
    }

    private Optional<List<TreeDiff.Change>> changes(ResolvedCommit from, ResolvedCommit to) {
        return diffs.get(List.of(from.commit(), to.commit()), k -> {
            try (CommitFiles a = open.apply(from); CommitFiles b = open.apply(to)) {
                Optional<List<TreeDiff.Change>> found = b.changesSince(a);
                if (found.isPresent()) {
                    b.listRootFrom(a, found.get()); // the renders at the new commit find its root listed
                }
                return found;
            }
        });
    }
}
