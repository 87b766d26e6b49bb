package dev.vortex.render;

import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** A commit to read configuration from, and the repository (mirror) that holds it. */
public record ResolvedCommit(Repository git, ObjectId commit) {
    public ResolvedCommit {
        Objects.requireNonNull(git, "git");
        commit = Objects.requireNonNull(commit, "commit").copy();
    }
}
