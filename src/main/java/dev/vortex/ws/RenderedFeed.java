package dev.vortex.ws;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
import dev.vortex.render.CommitSource;
import dev.vortex.render.Inventory;
import dev.vortex.render.Renderer;
import dev.vortex.render.ResolvedCommit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The {@link ConfigFeed} of the running daemon: effective configurations rendered by the render
 * package at the commits {@link CommitSource} serves (or, for resync, at an older commit it finds).
 * A target is served by the first repository whose {@code apps} patterns match its application, as
 * in the REST API; for a template, the repository its application, profile and label choose. A
 * concrete subscription makes a template's repository ({@link #firstSync}) and the hub answers it
 * when the first sync ended, off its thread. Pattern subscriptions never make one.
 */
public final class RenderedFeed implements ConfigFeed {

    private final RepoLookup repos;
    private final CommitSource commits;
    private final Renderer renderer;
    private final Function<RepoConfig, CompletableFuture<?>> fetch;
    private final java.time.Duration holdBound;

    public RenderedFeed(List<RepoConfig> repos, CommitSource commits, Renderer renderer) {
        this(RepoLookup.fixed(repos), commits, renderer);
    }

    public RenderedFeed(RepoLookup repos, CommitSource commits, Renderer renderer) {
        this(repos, commits, renderer, repo -> CompletableFuture.completedFuture(null), DEFAULT_HOLD_BOUND);
    }

    /**
     * @param fetch     asks for a sync of a repository now; completes when it ended (or its wait ran out)
     * @param holdBound how long a client at a commit not served here is held at most (2 × {@code sync.interval})
     */
    public RenderedFeed(RepoLookup repos, CommitSource commits, Renderer renderer, Function<RepoConfig, CompletableFuture<?>> fetch,
                        java.time.Duration holdBound) {
        this.repos = repos;
        this.commits = commits;
        this.renderer = renderer;
        this.fetch = fetch;
        this.holdBound = holdBound;
    }

    @Override
    public java.time.Duration holdBound() {
        return holdBound;
    }

    @Override
    public Lineage lineage(Target t, String commit, String served) {
        Optional<RepoConfig> repo = repoOf(t);
        Optional<String> full = repo.flatMap(r -> commits.commit(r, commit)).map(at -> at.commit().name());
        if (full.isEmpty()) {
            return Lineage.UNKNOWN;
        }
        if (full.get().equals(served)) {
            return Lineage.SAME;
        }
        if (commits.isAncestor(repo.get(), full.get(), served)) {
            return Lineage.BEHIND;
        }
        return commits.isAncestor(repo.get(), served, full.get()) ? Lineage.AHEAD : Lineage.DIVERGED;
    }

    @Override
    public CompletableFuture<?> fetch(Target t) {
        return repoOf(t).map(fetch).orElseGet(() -> CompletableFuture.completedFuture(null));
    }

    @Override
    public Optional<String> defaultLabel(String app) {
        return defaultLabel(app, null);
    }

    @Override
    public Optional<String> defaultLabel(String app, String profile) {
        return repos.serving(app, profile, null).map(commits::defaultLabel);
    }

    @Override
    public Optional<String> unavailable(String app, String profile, String label) {
        return repos.forApp(app, profile, label, false) instanceof RepoLookup.Refused no ? Optional.of(no.message()) : Optional.empty();
    }

    @Override
    public Optional<CompletableFuture<?>> firstSync(String app, String profile, String label) {
        if (repos.check(app, profile, label) instanceof RepoLookup.Refused no && no.reason() == RepoLookup.Reason.NOT_READY) {
            return Optional.of(repos.whenServed(app, profile, label));
        }
        return Optional.empty();
    }

    @Override
    public Optional<Versioned> current(Target t) {
        return repoOf(t).flatMap(repo -> commits.resolve(repo, t.label(), t.app(), t.profile())
                .map(at -> new Versioned(name(at.commit()), renderer.effectiveUncached(repo, at, t.app(), t.profile(), t.label()))));
    }

    private record CommitName(ObjectId id, String name) {
    }

    // the last commit's name, shared: a change renders every target at one commit, and each channel keeps
    // the version it sent (20,000 copies of one 40-character id were 1.6 MB copied by young collections)
    private volatile CommitName lastName = new CommitName(ObjectId.zeroId(), ObjectId.zeroId().name());

    private String name(ObjectId commit) {
        CommitName last = lastName;
        if (!last.id().equals(commit)) {
            last = new CommitName(commit.copy(), commit.name());
            lastName = last;
        }
        return last.name();
    }

    @Override
    public Optional<Map<String, Object>> at(Target t, String commit) {
        if (commit == null) {
            return Optional.empty();
        }
        // a unique abbreviation, as git takes; an unknown or ambiguous one gets a fresh snapshot
        return repoOf(t).flatMap(repo -> commits.commit(repo, commit)
                .map(at -> renderer.effectiveUncached(repo, at, t.app(), t.profile(), t.label())));
    }

    @Override
    public Set<Target> targets() {
        Set<Target> targets = new HashSet<>();
        for (RepoConfig repo : repos.all()) {
            commits.served(repo).forEach((label, at) -> {
                Inventory inv = renderer.inventory(repo, at);
                for (String app : inv.apps()) {
                    inv.profiles(app).stream().map(p -> new Target(app, p, label))
                            .filter(t -> repoOf(t).filter(r -> r.name().equals(repo.name())).isPresent()).forEach(targets::add);
                }
            });
        }
        return targets;
    }

    @Override
    public Optional<Set<String>> touched(String repo, String label, String oldCommit, String newCommit) {
        Optional<RepoConfig> config = repos.named(repo);
        if (config.isEmpty()) {
            return Optional.empty();
        }
        Optional<ResolvedCommit> from = commits.commit(config.get(), oldCommit);
        Optional<ResolvedCommit> to = commits.commit(config.get(), newCommit);
        return from.isPresent() && to.isPresent() ? renderer.touched(config.get(), from.get(), to.get()) : Optional.empty();
    }

    @Override
    public boolean sameTargets(String repo, String label, String oldCommit, String newCommit) {
        Optional<RepoConfig> config = repos.named(repo);
        if (config.isEmpty()) {
            return false;
        }
        Optional<ResolvedCommit> from = commits.commit(config.get(), oldCommit);
        Optional<ResolvedCommit> to = commits.commit(config.get(), newCommit);
        return from.isPresent() && to.isPresent() && renderer.sameInventory(config.get(), from.get(), to.get());
    }

    @Override
    public Set<Target> targets(String repo, String label, Optional<Set<String>> apps) {
        Set<Target> targets = new HashSet<>();
        repos.named(repo).ifPresent(config -> {
            ResolvedCommit at = commits.served(config).get(label);
            if (at == null) {
                return;
            }
            Inventory inv = renderer.inventory(config, at);
            for (String app : apps.isPresent() ? apps.get() : inv.profilesByApp().keySet()) {
                if (inv.profilesByApp().containsKey(app)) {
                    inv.forEachProfile(app, p -> addServed(targets, new Target(app, p, label), repo));
                }
            }
        });
        return targets;
    }

    @Override
    public boolean affects(String repo, String label, Target t) {
        return t.label().equals(label) && repoOf(t).filter(r -> r.name().equals(repo)).isPresent();
    }

    // a target is listed for the repository that serves it (another one's apps patterns may take it first)
    private void addServed(Set<Target> targets, Target t, String repo) {
        if (repoOf(t).filter(r -> r.name().equals(repo)).isPresent()) {
            targets.add(t);
        }
    }

    private Optional<RepoConfig> repoOf(Target t) {
        return repos.serving(t.app(), t.profile(), t.label());
    }

}
