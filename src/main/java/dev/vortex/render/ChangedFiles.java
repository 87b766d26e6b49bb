package dev.vortex.render;

import dev.vortex.config.RepoConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which applications a commit can change: the configuration files that differ between two commits
 * (compared by blob id in the directory listings, which are cached by tree id, so nothing is parsed)
 * and the applications whose Environment may read them. {@code application[-{profile}].*} is read by
 * every application; {@code shop-prod.yml} by {@code shop} (profile {@code prod}) and by an
 * application named {@code shop-prod} — every name the file could belong to, a superset that never
 * misses a reader.
 */
final class ChangedFiles {
    private static final String APPLICATION = "application";

    private ChangedFiles() {
    }

    /** The applications that may read a changed file; empty when every application may. */
    static Optional<Set<String>> readers(RepoConfig repo, CommitFiles from, CommitFiles to) {
        Map<String, SearchPaths.Match> before = byDir(repo, from);
        Map<String, SearchPaths.Match> after = byDir(repo, to);
        Set<String> dirs = new HashSet<>(before.keySet());
        dirs.addAll(after.keySet());
        Set<String> apps = new HashSet<>();
        for (String dir : dirs) {
            SearchPaths.Match match = after.containsKey(dir) ? after.get(dir) : before.get(dir);
            Map<String, CommitFiles.Entry> old = before.containsKey(dir) ? from.dir(dir).orElseThrow().entries() : Map.of();
            Map<String, CommitFiles.Entry> now = after.containsKey(dir) ? to.dir(dir).orElseThrow().entries() : Map.of();
            for (Map.Entry<String, CommitFiles.Entry> e : now.entrySet()) {
                if (changed(e.getKey(), old.get(e.getKey()), e.getValue()) && !addReaders(e.getKey(), match, apps)) {
                    return Optional.empty();
                }
            }
            for (Map.Entry<String, CommitFiles.Entry> e : old.entrySet()) {
                if (!now.containsKey(e.getKey()) && changed(e.getKey(), e.getValue(), null) && !addReaders(e.getKey(), match, apps)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(apps);
    }

    /** {@link #readers(RepoConfig, CommitFiles, CommitFiles)} from the content changes of two commits of one shape ({@code dirs}: either's). */
    static Optional<Set<String>> readers(List<SearchPaths.Match> dirs, List<TreeDiff.Change> changes) {
        Map<String, SearchPaths.Match> byDir = new HashMap<>();
        dirs.forEach(m -> byDir.putIfAbsent(m.dir(), m));
        Set<String> apps = new HashSet<>();
        for (TreeDiff.Change c : changes) {
            SearchPaths.Match match = byDir.get(c.dir());
            if (match != null && ParseCache.Format.of(c.name()).isPresent() && !addReaders(c.name(), match, apps)) {
                return Optional.empty();
            }
        }
        return Optional.of(apps);
    }

    private static Map<String, SearchPaths.Match> byDir(RepoConfig repo, CommitFiles files) {
        Map<String, SearchPaths.Match> out = new LinkedHashMap<>();
        SearchPaths.every(repo.searchPaths(), files).forEach(m -> out.putIfAbsent(m.dir(), m));
        return out;
    }

    private static boolean changed(String name, CommitFiles.Entry before, CommitFiles.Entry after) {
        return !Objects.equals(id(before), id(after)) && ParseCache.Format.of(name).isPresent();
    }

    private static Object id(CommitFiles.Entry e) {
        return e == null || e.directory() ? null : e.id();
    }

    /** Adds the file's possible readers; false when every application reads it. */
    private static boolean addReaders(String fileName, SearchPaths.Match dir, Set<String> apps) {
        String dirApp = dir.placeholders().get(APPLICATION);
        if (dirApp != null) {
            apps.add(dirApp); // a directory of one application: only it reads the files there
            return true;
        }
        String stem = fileName.substring(0, fileName.lastIndexOf('.'));
        if (stem.equals(APPLICATION) || stem.startsWith(APPLICATION + "-")) {
            return false;
        }
        apps.add(stem);
        for (int i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
            apps.add(stem.substring(0, i));
        }
        return true;
    }
}
