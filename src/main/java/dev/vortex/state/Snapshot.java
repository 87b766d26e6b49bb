package dev.vortex.state;

import dev.vortex.config.RepoConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable view of every published repository. Each publish makes a new one with a higher
 * {@code version}; holding on to one gives a consistent picture across repositories.
 */
public record Snapshot(long version, Map<String, RepoState> repos) {
    /** What a repository that follows its remote's HEAD serves before its first sync says otherwise. */
    public static final String FIRST_GUESS = "main";

    public Snapshot {
        repos = Collections.unmodifiableMap(new TreeMap<>(repos));
    }

    public static Snapshot empty() {
        return new Snapshot(0, Map.of());
    }

    public Optional<RepoState> repo(String repo) {
        return Optional.ofNullable(repos.get(repo));
    }

    /** Label → commit served for {@code repo}; empty when it serves nothing (yet). */
    public Map<String, String> commits(String repo) {
        RepoState s = repos.get(repo);
        return s == null ? Map.of() : s.commits();
    }

    public Optional<String> servedCommit(String repo, String label) {
        return Optional.ofNullable(commits(repo).get(label));
    }

    /** The files of the label's served commit that do not parse and where their readers stay; empty when all parse. */
    public Optional<Holdback> holdback(String repo, String label) {
        RepoState s = repos.get(repo);
        return s == null ? Optional.empty() : Optional.ofNullable(s.holdbacks().get(label));
    }

    /**
     * The label {@code repo} serves when a request names none: the configured one, else the one its
     * last sync chose, else {@code main} (before any sync).
     */
    public String defaultLabel(RepoConfig repo) {
        return repo.defaultLabel().or(() -> repo(repo.name()).flatMap(RepoState::defaultLabel)).orElse(FIRST_GUESS);
    }

    /** True when every one of {@code names} serves at least one commit (what {@code /ready} asks). */
    public boolean servesAll(Collection<String> names) {
        return names.stream().allMatch(n -> !commits(n).isEmpty());
    }

    /** This snapshot without {@code removed}. */
    Snapshot without(Collection<String> removed) {
        Map<String, RepoState> next = new TreeMap<>(repos);
        removed.forEach(next::remove);
        return new Snapshot(version + 1, next);
    }

    /** This snapshot with {@code updates} replacing their repositories' states. */
    Snapshot with(Map<String, RepoState> updates) {
        Map<String, RepoState> next = new TreeMap<>(repos);
        next.putAll(updates);
        return new Snapshot(version + 1, next);
    }
}
