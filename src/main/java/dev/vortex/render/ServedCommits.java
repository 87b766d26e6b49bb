package dev.vortex.render;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import dev.vortex.state.Holdback;
import dev.vortex.state.Snapshot;
import dev.vortex.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The {@link CommitSource} of the running daemon. A tracked label resolves only to the commit the
 * state publishes for it (so last-known-good holds); any other branch, tag, full or unique
 * abbreviated commit id resolves through the mirror's refs and object database — never a fetch,
 * never a command line. Where the published commit has files that do not parse, an application
 * whose Environment reads one is served the newest earlier commit of the label it renders at (its
 * last good commit): a broken file holds back its readers only.
 */
public final class ServedCommits implements CommitSource {
    private final StateStore state;
    private final Mirrors mirrors;
    private final Renderer renderer;

    public ServedCommits(StateStore state, Mirrors mirrors, Renderer renderer) {
        this.state = state;
        this.mirrors = mirrors;
        this.renderer = renderer;
    }

    /** The configured default label, or the one the sync chose by following the remote's HEAD. */
    @Override
    public String defaultLabel(RepoConfig repo) {
        return state.defaultLabel(repo);
    }

    @Override
    public Optional<ResolvedCommit> resolve(RepoConfig repo, String label) {
        return resolve(state.snapshot(), repo, label);
    }

    @Override
    public Optional<ResolvedCommit> resolve(RepoConfig repo, String label, String app, String profiles) {
        Snapshot snap = state.snapshot();
        Optional<ResolvedCommit> served = resolve(snap, repo, label);
        Optional<Holdback> held = snap.holdback(repo.name(), label == null ? snap.defaultLabel(repo) : label);
        if (served.isEmpty() || held.isEmpty()) {
            return served;
        }
        ResolvedCommit head = served.get();
        Optional<ParseProblem> problem = renderer.unreadable(repo, head, app, profiles, label);
        if (problem.isEmpty()) {
            return served;
        }
        for (String commit : held.get().fallbacks()) {
            ResolvedCommit older = new ResolvedCommit(head.git(), ObjectId.fromString(commit), head.label());
            if (renderer.unreadable(repo, older, app, profiles, label).isEmpty()) {
                return Optional.of(older);
            }
        }
        throw new RenderException(problem.get());
    }

    @Override
    public Optional<ResolvedCommit> commit(RepoConfig repo, String id) {
        Mirror mirror = mirrors.mirror(repo.name());
        try {
            if (Names.isCommitId(id)) {
                ObjectId full = ObjectId.fromString(id);
                return mirror.hasCommit(full) ? Optional.of(new ResolvedCommit(mirror.repository(), full)) : Optional.empty();
            }
            List<ObjectId> candidates = mirror.commitsStartingWith(id);
            return candidates.size() == 1 ? Optional.of(new ResolvedCommit(mirror.repository(), candidates.getFirst())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("look up commit " + id + " in mirror " + repo.name(), e);
        }
    }

    @Override
    public Map<String, ResolvedCommit> served(RepoConfig repo) {
        Mirror mirror = mirrors.mirror(repo.name());
        Map<String, ResolvedCommit> out = new LinkedHashMap<>();
        state.snapshot().commits(repo.name()).forEach((label, commit) ->
                out.put(label, new ResolvedCommit(mirror.repository(), ObjectId.fromString(commit))));
        return out;
    }

    private Optional<ResolvedCommit> resolve(Snapshot snap, RepoConfig repo, String label) {
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
            Optional<ObjectId> id = mirror.resolve(l);
            if (id.isEmpty()) {
                id = abbreviated(repo, mirror, l);
            }
            return id.map(c -> new ResolvedCommit(mirror.repository(), c, label == null ? l : null));
        } catch (IOException e) {
            throw new UncheckedIOException("resolve label '" + l + "' in mirror " + repo.name(), e);
        }
    }

    /**
     * A unique abbreviated commit id (4 to 39 hex digits), tried after refs as git does.
     *
     * @throws AmbiguousCommitException when several commits start with it
     */
    static Optional<ObjectId> abbreviated(RepoConfig repo, Mirror mirror, String label) throws IOException {
        List<ObjectId> candidates = mirror.commitsStartingWith(label);
        if (candidates.size() > 1) {
            throw new AmbiguousCommitException(repo.name(), label, candidates.stream().map(ObjectId::name).toList());
        }
        return candidates.stream().findFirst();
    }
}
