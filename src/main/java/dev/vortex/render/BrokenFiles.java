package dev.vortex.render;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Log;
import dev.vortex.state.BrokenFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The last-known-good check of a commit: its configuration files ({@code .yml}, {@code .yaml},
 * {@code .properties}) in the root and the directories the search paths can reach that do not
 * parse, in path order, each with the applications that read it. Looks at every file
 * ({@link #all}), or, for a commit whose files only changed content since one checked before, at
 * the changed files only ({@link #since}): the same answer in time proportional to the change.
 */
final class BrokenFiles {
    private static final Log LOG = Log.of(BrokenFiles.class);

    private final ParseCache parser;
    private final CipherValues ciphers;
    // skipped tree entries warned about (repo, path, reason): a symbolic link that stays is warned about once
    private final Set<List<String>> skipsLogged = ConcurrentHashMap.newKeySet();

    BrokenFiles(ParseCache parser, CipherValues ciphers) {
        this.parser = parser;
        this.ciphers = ciphers;
    }

    /**
     * Every configuration file of the commit. Warns, once per path, about each entry of those
     * directories it cannot serve (symbolic links, submodules, names not UTF-8). Tries their
     * {@code {cipher}} values, for {@link Renderer#cipherFailures}.
     */
    List<BrokenFile> all(RepoConfig repo, ObjectId commit, CommitFiles files, Supplier<Inventory> inventory) {
        List<BrokenFile> broken = new ArrayList<>();
        for (SearchPaths.Match dir : SearchPaths.every(repo.searchPaths(), files)) {
            CommitFiles.Dir listing = files.dir(dir.dir()).orElseThrow();
            listing.skipped().forEach((name, why) ->
                    warnSkipped(repo, commit, SearchPaths.child(dir.dir(), name), why));
            for (CommitFiles.Entry e : listing.entries().values()) {
                if (!e.directory()) {
                    String path = SearchPaths.child(dir.dir(), e.name());
                    check(repo, commit, files, dir, path, e, inventory).ifPresent(broken::add);
                }
            }
        }
        return broken;
    }

    /**
     * Tries the {@code {cipher}} values of every configuration file of the commit whose text holds
     * {@code {cipher}}, for {@link Renderer#cipherFailures}; the others are read, never parsed (a
     * restart that scans a large repository without such values parses nothing).
     */
    void ciphers(RepoConfig repo, ObjectId commit, CommitFiles files) {
        for (SearchPaths.Match dir : SearchPaths.every(repo.searchPaths(), files)) {
            for (CommitFiles.Entry e : files.dir(dir.dir()).orElseThrow().entries().values()) {
                Optional<ParseCache.Format> format = ParseCache.Format.of(e.name());
                if (e.directory() || format.isEmpty() || !holdsCipher(files, e)) {
                    continue;
                }
                if (parser.parse(files, e, format.get()) instanceof ParseResult.Parsed p) {
                    ciphers.scan(repo.name(), commit.name(), SearchPaths.child(dir.dir(), e.name()), e.id(), p);
                }
            }
        }
    }

    private static boolean holdsCipher(CommitFiles files, CommitFiles.Entry e) {
        try {
            return new String(files.read(e.id()), StandardCharsets.ISO_8859_1).contains(CipherValues.PREFIX);
        } catch (CommitFiles.TooLarge tooLarge) {
            return false; // served as a broken file, never decrypted
        }
    }

    /**
     * The commit's broken files from those of {@code earlier} (checked before) and the files that
     * changed since ({@code changes}: content only, so the directories, names, skipped entries and
     * applications are the same): the files that changed are checked, the others keep what
     * {@code earlierBroken} says; {@code {cipher}} failures found in unchanged files are carried over.
     */
    List<BrokenFile> since(RepoConfig repo, ObjectId commit, CommitFiles files, ObjectId earlier, List<BrokenFile> earlierBroken,
                           List<TreeDiff.Change> changes, Supplier<Inventory> inventory) {
        List<SearchPaths.Match> dirs = SearchPaths.every(repo.searchPaths(), files);
        Map<String, SearchPaths.Match> byDir = new HashMap<>();
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < dirs.size(); i++) {
            byDir.put(dirs.get(i).dir(), dirs.get(i));
            rank.put(dirs.get(i).dir(), i);
        }
        Map<String, BrokenFile> byPath = new LinkedHashMap<>();
        earlierBroken.forEach(b -> byPath.put(b.path(), b));
        Set<String> changed = new HashSet<>();
        for (TreeDiff.Change c : changes) {
            SearchPaths.Match dir = byDir.get(c.dir());
            if (dir == null) {
                continue;
            }
            changed.add(c.path());
            byPath.remove(c.path());
            check(repo, commit, files, dir, c.path(), new CommitFiles.Entry(c.name(), c.after(), false), inventory)
                    .ifPresent(b -> byPath.put(b.path(), b));
        }
        ciphers.carry(repo.name(), earlier.name(), commit.name(), changed);
        // the order of all(): directory by directory, then git's order of names (their UTF-8 bytes)
        List<BrokenFile> broken = new ArrayList<>(byPath.values());
        broken.sort(Comparator.comparing((BrokenFile b) -> rank.getOrDefault(dirOf(b.path()), Integer.MAX_VALUE))
                .thenComparing((a, b) -> Arrays.compareUnsigned(nameBytes(a.path()), nameBytes(b.path()))));
        return broken;
    }

    private static String dirOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static byte[] nameBytes(String path) {
        return path.substring(path.lastIndexOf('/') + 1).getBytes(StandardCharsets.UTF_8);
    }

    /** One file: broken (with its readers) or not; tries its {@code {cipher}} values when it has any. */
    private Optional<BrokenFile> check(RepoConfig repo, ObjectId commit, CommitFiles files, SearchPaths.Match dir, String path,
                                       CommitFiles.Entry e, Supplier<Inventory> inventory) {
        Optional<ParseCache.Format> format = ParseCache.Format.of(e.name());
        if (format.isEmpty()) {
            return Optional.empty();
        }
        ParseCache.Facts facts = parser.facts(files, e, format.get());
        if (facts.ciphers() && parser.parse(files, e, format.get()) instanceof ParseResult.Parsed p) {
            ciphers.scan(repo.name(), commit.name(), path, e.id(), p);
        } else if (facts.failure() != null) {
            ParseResult.Failed f = facts.failure();
            return Optional.of(new BrokenFile(path, f.line(), f.message(), Readers.of(e.name(), dir, inventory.get())));
        }
        return Optional.empty();
    }

    private void warnSkipped(RepoConfig repo, ObjectId commit, String path, String why) {
        if (skipsLogged.size() > 10_000) {
            skipsLogged.clear(); // bounded: past that, a skip is warned about again
        }
        if (skipsLogged.add(List.of(repo.name(), path, why))) {
            LOG.warn("tree entry skipped: vortexd reads regular files with UTF-8 names only", "repo", repo.name(),
                    "commit", commit.name(), "path", Names.printable(path), "reason", why);
        }
    }
}
