package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import dev.vortex.ops.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * The production {@link TemplateRepos.Maker}: a template's repository for an application gets a
 * mirror in {@code data-dir/mirrors} and joins the sync engine, whose first run (throttled per host
 * like any other) tells whether the repository exists.
 */
public final class RepoMaker implements TemplateRepos.Maker {
    private static final Log LOG = Log.of(RepoMaker.class);

    private final Mirrors mirrors;
    private final SyncEngine engine;

    public RepoMaker(Mirrors mirrors, SyncEngine engine) {
        this.mirrors = mirrors;
        this.engine = engine;
    }

    @Override
    public CompletableFuture<TemplateRepos.FirstSync> make(RepoConfig repo) {
        Mirror mirror;
        try {
            mirror = mirrors.add(repo);
        } catch (IOException e) {
            throw new UncheckedIOException("open the mirror of " + repo.name(), e);
        }
        return engine.add(repo, "first-request").thenApply(result -> new TemplateRepos.FirstSync(
                !result.commits().isEmpty(), mirror.missingAtEveryUrl(), result.error()));
    }

    @Override
    public void drop(RepoConfig repo) {
        engine.remove(repo.name());
        try {
            mirrors.remove(repo.name());
        } catch (IOException e) {
            LOG.warn("mirror of a removed repository not deleted", "repo", repo.name(), "err", e.getMessage());
        }
    }
}
