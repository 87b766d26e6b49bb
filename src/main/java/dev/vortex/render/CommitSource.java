package dev.vortex.render;

import dev.vortex.config.RepoConfig;
import dev.vortex.state.Snapshot;
import java.util.Map;
import java.util.Optional;

/**
 * How serving reaches commits without touching refs or fetching: implemented from the published
 * state and the mirrors (labels that are tracked resolve to their served commit; other branches,
 * tags and full commit ids through the mirror).
 */
@FunctionalInterface
public interface CommitSource {
    /**
     * @param label already {@code (_)}-decoded; null means the repository's default label
     * @return the commit to serve, empty when the label is unknown
     */
    Optional<ResolvedCommit> resolve(RepoConfig repo, String label);

    /**
     * The commit to serve one application's Environment from. Where the label's commit has a file
     * that does not parse, an application reading it is served its last good commit instead.
     *
     * @throws RenderException when the application reads a file that does not parse and has no good commit
     */
    default Optional<ResolvedCommit> resolve(RepoConfig repo, String label, String app, String profiles) {
        return resolve(repo, label);
    }

    /**
     * The commit a full or uniquely abbreviated commit id names, when the repository's mirror holds
     * it; empty when it does not, or when the abbreviation is ambiguous.
     */
    default Optional<ResolvedCommit> commit(RepoConfig repo, String id) {
        return Optional.empty();
    }

    /** Every tracked label of {@code repo} with the commit the state publishes for it. */
    default Map<String, ResolvedCommit> served(RepoConfig repo) {
        return Map.of();
    }

    /** The label {@code repo} serves when a request names none: the configured one, or {@link Snapshot#FIRST_GUESS} when none is. */
    default String defaultLabel(RepoConfig repo) {
        return repo.defaultLabel().orElse(Snapshot.FIRST_GUESS);
    }
}
