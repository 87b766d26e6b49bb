package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.state.BrokenFile;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Asked before a label moves to a new commit: which of its configuration files do not parse? The
 * render package implements it. The label moves anyway, and the applications that read a broken
 * file stay on their last good commit (the blast radius of a bad file is its readers); the files
 * show in the status, the metrics and the log. An exception refuses the whole commit: the label
 * keeps its previous commit. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface CommitCheck {
    /** The files of {@code commit} that do not parse, with the applications that read each; empty when all parse. */
    List<BrokenFile> brokenFiles(RepoConfig repo, Repository git, ObjectId commit);

    /**
     * {@link #brokenFiles(RepoConfig, Repository, ObjectId)} of a commit near one checked before
     * ({@code earlier}, whose check found {@code earlierBroken}): an implementation may look only at
     * what differs between the two. By default it checks the whole commit.
     */
    default List<BrokenFile> brokenFiles(RepoConfig repo, Repository git, ObjectId commit, ObjectId earlier,
                                         List<BrokenFile> earlierBroken) {
        return brokenFiles(repo, git, commit);
    }

    /** Accepts every commit. */
    static CommitCheck acceptAll() {
        return (repo, git, commit) -> List.of();
    }
}
