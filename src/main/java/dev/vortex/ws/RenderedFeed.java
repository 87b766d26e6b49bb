package dev.vortex.ws;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.render.CommitSource;
import dev.vortex.render.Inventory;
import dev.vortex.render.Renderer;
import dev.vortex.render.ResolvedCommit;
import dev.vortex.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The {@link ConfigFeed} of the running daemon: effective configurations rendered by the render
 * package at the commits the state publishes (or, for resync, at an older commit of the mirror).
 * An application is served by the first repository whose {@code apps} patterns match it, as in
 * the REST API.
 */
public final class RenderedFeed implements ConfigFeed {

    private final List<RepoConfig> repos;
    private final StateStore state;
    private final Mirrors mirrors;
    private final CommitSource commits;
    private final Renderer renderer;

    public RenderedFeed(List<RepoConfig> repos, StateStore state, Mirrors mirrors, CommitSource commits, Renderer renderer) {
        this.repos = List.copyOf(repos);
        this.state = state;
        this.mirrors = mirrors;
        this.commits = commits;
        this.renderer = renderer;
    }

    @Override
    public Optional<String> defaultLabel(String app) {
        return repoOf(app).map(commits::defaultLabel);
    }

    @Override
    public Optional<Versioned> current(Target t) {
        return repoOf(t.app()).flatMap(repo -> commits.resolve(repo, t.label(), t.app(), t.profile())
                .map(at -> new Versioned(at.commit().name(), renderer.effective(repo, at, t.app(), t.profile(), t.label()))));
    }

    @Override
    public Optional<Map<String, Object>> at(Target t, String commit) {
        if (commit == null) {
            return Optional.empty();
        }
        return repoOf(t.app()).flatMap(repo -> {
            var mirror = mirrors.mirror(repo.name());
            ObjectId id;
            try {
                if (Names.isCommitId(commit)) {
                    id = ObjectId.fromString(commit);
                    if (!mirror.hasCommit(id)) {
                        return Optional.empty();
                    }
                } else {
                    // a unique abbreviation, as git takes; an ambiguous one gets a fresh snapshot
                    List<ObjectId> candidates = mirror.commitsStartingWith(commit);
                    if (candidates.size() != 1) {
                        return Optional.empty();
                    }
                    id = candidates.getFirst();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("look up commit " + commit + " in mirror " + repo.name(), e);
            }
            return Optional.of(renderer.effective(repo, new ResolvedCommit(mirror.repository(), id), t.app(), t.profile(), t.label()));
        });
    }

    @Override
    public Set<Target> targets() {
        Set<Target> targets = new HashSet<>();
        for (RepoConfig repo : repos) {
            var mirror = mirrors.mirror(repo.name());
            state.snapshot().commits(repo.name()).forEach((label, commit) -> {
                Inventory inv = renderer.inventory(repo, new ResolvedCommit(mirror.repository(), ObjectId.fromString(commit)));
                for (String app : inv.apps()) {
                    if (repoOf(app).filter(r -> r.name().equals(repo.name())).isPresent()) {
                        inv.profiles(app).forEach(p -> targets.add(new Target(app, p, label)));
                    }
                }
            });
        }
        return targets;
    }

    @Override
    public boolean affects(String repo, String label, Target t) {
        return t.label().equals(label) && repoOf(t.app()).filter(r -> r.name().equals(repo)).isPresent();
    }

    private Optional<RepoConfig> repoOf(String app) {
        return repos.stream().filter(r -> r.servesApp(app)).findFirst();
    }
}
