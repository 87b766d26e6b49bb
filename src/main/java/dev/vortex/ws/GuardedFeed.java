package dev.vortex.ws;

import dev.vortex.ops.Log;
import dev.vortex.render.RenderException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link ConfigFeed}, guarded: a failing render costs one subscription an update, never the
 * hub. Every failure is logged and read as "empty".
 */
final class GuardedFeed {
    private static final Log LOG = Log.of(GuardedFeed.class);

    private final ConfigFeed feed;

    GuardedFeed(ConfigFeed feed) {
        this.feed = feed;
    }

    Optional<String> defaultLabel(String app, String profile) {
        try {
            return feed.defaultLabel(app, profile);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: default label", e, "app", app);
            return Optional.empty();
        }
    }

    /** Why no repository serves the pattern's target: the feed's words, or that none does. */
    String unavailable(TargetPattern p) {
        String none = "no repository serves application '" + p.app() + "'";
        try {
            return feed.unavailable(p.app(), p.profile(), p.label()).orElse(none);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: unavailable", e, "app", p.app());
            return none;
        }
    }

    /** The first sync of a template's repository for the pattern's target, when one is being made. */
    Optional<java.util.concurrent.CompletableFuture<?>> firstSync(TargetPattern p) {
        try {
            return feed.firstSync(p.app(), p.profile(), p.label());
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: first sync", e, "app", p.app());
            return Optional.empty();
        }
    }

    /** The target a pattern names with its label, the application's default one when it names none. */
    Optional<Target> target(TargetPattern p) {
        Optional<String> label = p.label() != null ? Optional.of(p.label()) : defaultLabel(p.app(), p.profile());
        return label.map(l -> new Target(p.app(), p.profile(), l));
    }

    /**
     * A new channel of the target: pending when the target reads a file that does not parse and has
     * no good commit; empty when the target is unknown or the feed failed.
     */
    Optional<Channel> newChannel(Target t) {
        try {
            return feed.current(t).map(v -> new Channel(t, v));
        } catch (RenderException e) {
            return Optional.of(new Channel(t, null));
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: current configuration", e, "target", t);
            return Optional.empty();
        }
    }

    Optional<Versioned> current(Target t) {
        try {
            return feed.current(t);
        } catch (RenderException e) {
            return Optional.empty(); // held back with no good commit: the status and the log name the file
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: current configuration", e, "target", t);
            return Optional.empty();
        }
    }

    Optional<Map<String, Object>> at(Target t, String commit) {
        try {
            return feed.at(t, commit);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: configuration at commit", e, "target", t, "commit", commit);
            return Optional.empty();
        }
    }

    Set<Target> targets() {
        try {
            return feed.targets();
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: targets", e);
            return Set.of();
        }
    }

    /** The applications a change can touch; empty (all) when the feed cannot tell. */
    Optional<Set<String>> touched(String repo, String label, String oldCommit, String newCommit) {
        if (oldCommit == null || newCommit == null) {
            return Optional.empty();
        }
        try {
            return feed.touched(repo, label, oldCommit, newCommit);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: touched applications", e, "repo", repo, "label", label);
            return Optional.empty();
        }
    }

    /** False when the feed cannot tell, or either commit is null (a label started or stopped being served). */
    boolean sameTargets(String repo, String label, String oldCommit, String newCommit) {
        if (oldCommit == null || newCommit == null) {
            return false;
        }
        try {
            return feed.sameTargets(repo, label, oldCommit, newCommit);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: same targets", e, "repo", repo, "label", label);
            return false;
        }
    }

    Set<Target> targets(String repo, String label, Optional<Set<String>> apps) {
        try {
            return feed.targets(repo, label, apps);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: targets", e, "repo", repo, "label", label);
            return Set.of();
        }
    }

    /** Unknown when the feed failed: the client then gets a fresh snapshot marked reset, never an older diff. */
    ConfigFeed.Lineage lineage(Target t, String commit, String served) {
        try {
            return feed.lineage(t, commit, served);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: lineage", e, "target", t, "commit", commit);
            return ConfigFeed.Lineage.UNKNOWN;
        }
    }

    java.util.concurrent.CompletableFuture<?> fetch(Target t) {
        try {
            return feed.fetch(t);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: fetch", e, "target", t);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    boolean affects(String repo, String label, Target t) {
        try {
            return feed.affects(repo, label, t);
        } catch (RuntimeException e) {
            LOG.warn("ws feed failed: affects", e, "repo", repo, "label", label, "target", t);
            return false;
        }
    }
}
