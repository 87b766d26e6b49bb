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

    /**
     * The label served when a client names none: the default label of the repository that serves
     * {@code app}. Empty when no repository serves the application.
     */
    Optional<String> defaultLabel(String app);

    /**
     * Why no repository serves {@code app} now, in words for the client, when the subscription to it
     * is refused; for a template's application its repository is made here (not waited for), so a
     * client that comes back is served. Empty: the default message.
     */
    default Optional<String> unavailable(String app) {
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
}
