package dev.vortex.render;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** A {@link CommitSource} over one real repository: branches, tags and full commit ids, as a mirror would resolve them. */
public final class RepoCommits implements CommitSource, AutoCloseable {
    private final Repository git;

    public RepoCommits(Path workTree) {
        try {
            this.git = new FileRepositoryBuilder().setGitDir(workTree.resolve(".git").toFile()).setMustExist(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Repository git() {
        return git;
    }

    /** The commit a branch, tag or full id names. */
    public ResolvedCommit at(String label) {
        return resolve(null, label).orElseThrow(() -> new IllegalArgumentException("no commit " + label));
    }

    public static RepoConfig repo(String name, String url, String... searchPaths) {
        return new RepoConfig(name, List.of(url), List.of("*"), "main", List.of(), List.of(searchPaths), Optional.empty());
    }

    @Override
    public Optional<ResolvedCommit> resolve(RepoConfig repo, String label) {
        String name = label != null ? label : defaultLabel(repo);
        try (RevWalk walk = new RevWalk(git)) {
            for (String ref : List.of("refs/heads/" + name, "refs/tags/" + name)) {
                Ref r = git.exactRef(ref);
                if (r != null) {
                    return Optional.of(new ResolvedCommit(git, walk.parseCommit(r.getObjectId())));
                }
            }
            if (Names.isCommitId(name)) {
                ObjectId id = ObjectId.fromString(name);
                if (git.getObjectDatabase().has(id)) {
                    return Optional.of(new ResolvedCommit(git, walk.parseCommit(id)));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
