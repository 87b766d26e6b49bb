package dev.vortex.render;

import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * A commit to read configuration from, and the repository (mirror) that holds it.
 *
 * @param label the label it was resolved from when the request named none (the repository's default
 *              label, {@code {label}} in search paths); null when the request named one or it is unknown
 */
public record ResolvedCommit(Repository git, ObjectId commit, String label) {
    public ResolvedCommit {
        Objects.requireNonNull(git, "git");
        commit = Objects.requireNonNull(commit, "commit").copy();
    }

    public ResolvedCommit(Repository git, ObjectId commit) {
        this(git, commit, null);
    }
}
