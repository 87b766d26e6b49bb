package dev.vortex;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ws.ConfigFeed;
import dev.vortex.ws.Target;
import dev.vortex.ws.Versioned;
import dev.vortex.ws.WsServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link Serving} in use, and the reload step that replaces it. HTTP requests and the
 * WebSocket feed go through {@link #current()}, so a switch takes effect for the next request
 * without touching the servers or any session. A reload that changes nothing a {@link Serving} is
 * built from only refreshes every repository (what SIGHUP always did).
 */
final class ServingSwitch implements Reloadable {
    private static final Log LOG = Log.of(ServingSwitch.class);
    /** Requests that started on the replaced routes may still read its mirrors this long. */
    private static final Duration RETIRE_AFTER = Duration.ofSeconds(30);
    /** The settings a {@link Serving} is built from. */
    private static final String[] BUILT_FROM = {"repos", "sync.", "throttle.", "render.", "auth.webhook-secret-file", "encrypt.", "overrides"};

    private final AtomicReference<Serving> current;
    private final Serving.Shared shared;
    private volatile WsServer ws;

    ServingSwitch(Serving first, Serving.Shared shared) {
        this.current = new AtomicReference<>(first);
        this.shared = shared;
    }

    Serving current() {
        return current.get();
    }

    /** The WebSocket server told when the repositories change (made after the first {@link Serving}). */
    void notify(WsServer server) {
        this.ws = server;
    }

    @Override
    public void reload(VortexConfig next, ConfigDiff diff) throws IOException {
        Serving old = current.get();
        if (!diff.touches(BUILT_FROM)) {
            old.sync().triggerAll("sighup");
            return;
        }
        Serving fresh = Serving.build(next, shared, old); // a failure here leaves everything as it was
        // the old engine stops first: two engines must never fetch into one mirror
        old.sync().stop(Duration.ofSeconds(15));
        current.set(fresh);
        shared.state().remove(diff.reposRemoved());
        java.util.Set<String> kept = new java.util.HashSet<>(fresh.templates().all().stream().map(dev.vortex.config.RepoConfig::name).toList());
        shared.state().remove(old.templates().all().stream().map(dev.vortex.config.RepoConfig::name).filter(n -> !kept.contains(n)).toList());
        fresh.sync().start("sighup");
        WsServer server = ws;
        if (server != null) {
            server.reconfigured(diff.reposRemoved().isEmpty() ? "configuration reloaded"
                    : "configuration reloaded, repositories removed: " + String.join(", ", diff.reposRemoved()));
        }
        LOG.info("serving the reloaded repositories", "repos", next.repos().size(), "added", String.join(",", diff.reposAdded()),
                "removed", String.join(",", diff.reposRemoved()), "changed", String.join(",", diff.reposChanged()));
        Thread.ofVirtual().name("vortex-retire-mirrors").start(() -> {
            try {
                Thread.sleep(RETIRE_AFTER);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            old.mirrors().close();
        });
    }

    /** The feed of whichever {@link Serving} is current, for the WebSocket server made once. */
    ConfigFeed feed() {
        return new ConfigFeed() {
            @Override
            public Optional<String> defaultLabel(String app) {
                return ServingSwitch.this.current().feed().defaultLabel(app);
            }

            @Override
            public Optional<String> defaultLabel(String app, String profile) {
                return ServingSwitch.this.current().feed().defaultLabel(app, profile);
            }

            @Override
            public Optional<String> unavailable(String app, String profile, String label) {
                return ServingSwitch.this.current().feed().unavailable(app, profile, label);
            }

            @Override
            public Optional<java.util.concurrent.CompletableFuture<?>> firstSync(String app, String profile, String label) {
                return ServingSwitch.this.current().feed().firstSync(app, profile, label);
            }

            @Override
            public Optional<Versioned> current(Target target) {
                return ServingSwitch.this.current().feed().current(target);
            }

            @Override
            public Optional<Map<String, Object>> at(Target target, String commit) {
                return ServingSwitch.this.current().feed().at(target, commit);
            }

            @Override
            public Set<Target> targets() {
                return ServingSwitch.this.current().feed().targets();
            }

            @Override
            public boolean affects(String repo, String label, Target target) {
                return ServingSwitch.this.current().feed().affects(repo, label, target);
            }

            @Override
            public Lineage lineage(Target target, String commit, String served) {
                return ServingSwitch.this.current().feed().lineage(target, commit, served);
            }

            @Override
            public CompletableFuture<?> fetch(Target target) {
                return ServingSwitch.this.current().feed().fetch(target);
            }

            @Override
            public Duration holdBound() {
                return ServingSwitch.this.current().feed().holdBound();
            }

            @Override
            public String replica() {
                return shared.cluster().replicaId();
            }

            @Override
            public Optional<Set<String>> touched(String repo, String label, String oldCommit, String newCommit) {
                return ServingSwitch.this.current().feed().touched(repo, label, oldCommit, newCommit);
            }

            @Override
            public boolean sameTargets(String repo, String label, String oldCommit, String newCommit) {
                return ServingSwitch.this.current().feed().sameTargets(repo, label, oldCommit, newCommit);
            }

            @Override
            public Set<Target> targets(String repo, String label, Optional<Set<String>> apps) {
                return ServingSwitch.this.current().feed().targets(repo, label, apps);
            }
        };
    }
}
