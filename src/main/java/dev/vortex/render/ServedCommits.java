package dev.vortex.render;

import dev.vortex.config.RepoConfig;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import dev.vortex.state.Snapshot;
import dev.vortex.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The {@link CommitSource} of the running daemon. A tracked label resolves only to the commit the
 * state publishes for it (so last-known-good holds: a tracked label whose new commit does not
 * parse keeps answering with the old one); any other branch, tag or full commit id resolves
 * through the mirror's refs and object database — never a fetch, never a command line.
 */
public final class ServedCommits implements CommitSource {
    private final StateStore state;
    private final Mirrors mirrors;

    public ServedCommits(StateStore state, Mirrors mirrors) {
        this.state = state;
        this.mirrors = mirrors;
    }

    /** The configured default label, or the one the sync chose by following the remote's HEAD. */
    @Override
    public String defaultLabel(RepoConfig repo) {
        return state.defaultLabel(repo);
    }

    @Override
    public Optional<ResolvedCommit> resolve(RepoConfig repo, String label) {
        Snapshot snap = state.snapshot();
        String defaultLabel = snap.defaultLabel(repo);
        String l = label == null ? defaultLabel : label;
        Mirror mirror = mirrors.mirror(repo.name());
        Optional<String> served = snap.servedCommit(repo.name(), l);
        if (served.isPresent()) {
            return Optional.of(new ResolvedCommit(mirror.repository(), ObjectId.fromString(served.get()), label == null ? l : null));
        }
        if (repo.tracks(l) || l.equals(defaultLabel)) {
            return Optional.empty(); // tracked but nothing servable yet: never bypass the last-known-good decision
        }
        try {
            return mirror.resolve(l).map(id -> new ResolvedCommit(mirror.repository(), id, label == null ? l : null));
        } catch (IOException e) {
            throw new UncheckedIOException("resolve label '" + l + "' in mirror " + repo.name(), e);
        }
    }
}
