package dev.vortex.ws;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the WebSocket hub needs to know about served configuration. {@link RenderedFeed} implements
 * it over the render package (commits through {@link dev.vortex.render.CommitSource}); tests use a
 * fake. Every method is called from the hub's one thread, so an implementation must be thread-safe
 * against the sync engine but need not be against itself. Exceptions are caught, logged and
 * treated as "empty" ({@code GuardedFeed}).
 */
public interface ConfigFeed {
    /** {@link #holdBound()} unless the feed says otherwise: 2 × {@code sync.interval}'s default of 30 s. */
    java.time.Duration DEFAULT_HOLD_BOUND = java.time.Duration.ofMinutes(1);


    /**
     * The label served when a client names none: the default label of the repository that serves
     * {@code app}. Empty when no repository serves the application.
     */
    Optional<String> defaultLabel(String app);

    /**
     * The default label for {@code app} with {@code profile}: a template whose URLs hold
     * {@code {profile}} or {@code {label}} has a repository per profile or label, so it depends on both.
     */
    default Optional<String> defaultLabel(String app, String profile) {
        return defaultLabel(app);
    }

    /**
     * Why no repository serves the target now (label null: none named), in words for the client, when
     * the subscription to it is refused. Empty: the default message.
     */
    default Optional<String> unavailable(String app, String profile, String label) {
        return Optional.empty();
    }

    /**
     * When a template's repository for the target is being made (made here if need be): completes
     * once its first sync ended or the template's {@code first-sync-wait} ran out, so the hub asks
     * again then instead of refusing now. Empty when nothing is being made for it.
     */
    default Optional<java.util.concurrent.CompletableFuture<?>> firstSync(String app, String profile, String label) {
        return Optional.empty();
    }

    /**
     * The effective configuration of the target as served now, with its commit. Empty when the
     * label is not known to the application's repository (the client gets {@code UNKNOWN_LABEL}).
     * Must agree with what {@link #at} returns for the same commit.
     *
     * @throws dev.vortex.render.RenderException when the target reads a file that does not parse and
     *         has no earlier commit it renders at: its subscribers get nothing until one arrives
     */
    Optional<Versioned> current(Target target);

    /**
     * The effective configuration of the target at an older commit of the application's
     * repository, when that commit is in the mirror and renders; empty otherwise (the client then
     * gets a fresh snapshot instead of a diff).
     */
    Optional<Map<String, Object>> at(Target target, String commit);

    /**
     * Every target the server can serve now on a tracked label, used to expand subscription
     * patterns with {@code *}. Re-read after every change, so an application that first appears in
     * a later commit is picked up.
     */
    Set<Target> targets();

    /** Whether {@code repo}'s {@code label} moving can change the target's effective configuration. */
    boolean affects(String repo, String label, Target target);

    /**
     * The applications whose effective configuration {@code repo}'s {@code label} moving from
     * {@code oldCommit} to {@code newCommit} can change (the readers of the files it changed); empty
     * when it may change any (the default). A change re-renders only these.
     */
    default Optional<Set<String>> touched(String repo, String label, String oldCommit, String newCommit) {
        return Optional.empty();
    }

    /**
     * True when {@code repo}'s {@code label} moving from {@code oldCommit} to {@code newCommit} leaves
     * the targets {@link #targets()} lists on it as they were (only the content of files changed, and
     * no profile with it): the hub then need not match its patterns against every target again.
     * False (the default) when it cannot tell.
     */
    default boolean sameTargets(String repo, String label, String oldCommit, String newCommit) {
        return false;
    }

    /** The targets {@link #targets()} lists on {@code repo}'s {@code label}, of {@code apps} only when given. */
    default Set<Target> targets(String repo, String label, Optional<Set<String>> apps) {
        Set<Target> out = new java.util.LinkedHashSet<>();
        for (Target t : targets()) {
            if (affects(repo, label, t) && apps.map(a -> a.contains(t.app())).orElse(true)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Where a client's commit stands against a served one, as this replica's mirror knows them. */
    enum Lineage {
        /** The same commit. */
        SAME,
        /** The client's commit is an ancestor of the served one: a diff brings it forward. */
        BEHIND,
        /** The served commit is an ancestor of the client's: answering with it would go backwards. */
        AHEAD,
        /** Neither descends from the other (a force-push). */
        DIVERGED,
        /** The mirror does not hold the client's commit (not fetched yet, or pushed away). */
        UNKNOWN
    }

    /**
     * How the client's {@code commit} (full or abbreviated) relates to {@code served}. The default
     * knows no history: a commit that renders counts as behind (a diff), any other as unknown.
     */
    default Lineage lineage(Target target, String commit, String served) {
        if (commit.equals(served)) {
            return Lineage.SAME;
        }
        return at(target, commit).isPresent() ? Lineage.BEHIND : Lineage.UNKNOWN;
    }

    /**
     * Asks for a fetch of the target's repository now (a client holds a commit this replica may not
     * have yet); completes when that run ended, or after the configured bound, whichever is first.
     */
    default java.util.concurrent.CompletableFuture<?> fetch(Target target) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * How long a client whose commit this replica does not serve yet is held (fetching, then waiting
     * for the label to move there) before it gets a snapshot marked {@code reset}: 2 × {@code sync.interval}
     * (the default: 2 × its default of 30 s).
     */
    default java.time.Duration holdBound() {
        return DEFAULT_HOLD_BOUND;
    }

    /** This replica's id, named in every message ({@code "replica"}); empty: not named. */
    default String replica() {
        return "";
    }
}
