package dev.vortex.render;

import dev.vortex.config.RepoConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Computes a commit's {@link Inventory} from the configuration files in the root and the search-path directories. */
final class Inventories {
    private static final String APPLICATION = "application";

    private Inventories() {
    }

    static Inventory of(RepoConfig repo, CommitFiles files, ParseCache parser) {
        // configuration files by stem (name without extension), per directory
        Map<SearchPaths.Match, Map<String, List<CommitFiles.Entry>>> stems = new LinkedHashMap<>();
        Set<String> allStems = new HashSet<>();
        for (SearchPaths.Match dir : SearchPaths.every(repo.searchPaths(), files)) {
            Map<String, List<CommitFiles.Entry>> here = new TreeMap<>();
            for (CommitFiles.Entry e : files.dir(dir.dir()).orElseThrow().entries().values()) {
                if (!e.directory() && ParseCache.Format.of(e.name()).isPresent()) {
                    String stem = e.name().substring(0, e.name().lastIndexOf('.'));
                    here.computeIfAbsent(stem, k -> new ArrayList<>()).add(e);
                    allStems.add(stem);
                }
            }
            stems.put(dir, here);
        }
        Map<String, Set<String>> byApp = new HashMap<>();
        Set<String> shared = new HashSet<>();
        stems.forEach((dir, here) -> here.forEach((stem, entries) -> {
            String dirApp = dir.placeholders().get("application");
            Owner owner = owner(stem, dirApp, allStems);
            Set<String> profiles = new HashSet<>();
            owner.profile.ifPresent(profiles::add);
            if (dir.placeholders().containsKey("profile")) {
                profiles.add(dir.placeholders().get("profile"));
            }
            for (CommitFiles.Entry e : entries) {
                profiles.addAll(parser.facts(files, e, ParseCache.Format.of(e.name()).orElseThrow()).profiles());
            }
            if (owner.app == null) {
                shared.addAll(profiles);
                if (stem.equals(APPLICATION)) {
                    byApp.computeIfAbsent(APPLICATION, k -> new HashSet<>());
                }
            } else {
                byApp.computeIfAbsent(owner.app, k -> new HashSet<>()).addAll(profiles);
            }
        }));
        return Inventory.of(byApp, shared);
    }

    /** Whose file a stem is (null app: every application's) and the profile its name carries. */
    private record Owner(String app, Optional<String> profile) {
    }

    private static Owner owner(String stem, String dirApp, Set<String> allStems) {
        if (stem.equals(APPLICATION)) {
            return new Owner(dirApp, Optional.empty());
        }
        if (stem.startsWith(APPLICATION + "-")) {
            return new Owner(dirApp, nonEmpty(stem.substring(APPLICATION.length() + 1)));
        }
        // "demo-prod" is demo's prod file when demo.* exists; "other-app" alone is an application
        for (int i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
            if (allStems.contains(stem.substring(0, i))) {
                return new Owner(stem.substring(0, i), nonEmpty(stem.substring(i + 1)));
            }
        }
        return new Owner(stem, Optional.empty());
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
