package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Asked before a label moves to a new commit: can this commit be served? The render package
 * implements it (every configuration file parses); when it reports a problem the label keeps its
 * previous commit (last known good) and the problem shows in the status and the log.
 * Implementations must be thread-safe; an exception counts as a problem.
 */
@FunctionalInterface
public interface CommitCheck {
    /** The reason {@code commit} cannot be served, or empty when it can. */
    Optional<String> problem(RepoConfig repo, Repository git, ObjectId commit);

    /** Accepts every commit. */
    static CommitCheck acceptAll() {
        return (repo, git, commit) -> Optional.empty();
    }
}
