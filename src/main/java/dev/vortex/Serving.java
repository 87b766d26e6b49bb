package dev.vortex;

import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.http.AdminHandlers;
import dev.vortex.http.ConfigHandler;
import dev.vortex.http.DiffHandler;
import dev.vortex.http.EncryptHandler;
import dev.vortex.http.ExplainHandler;
import dev.vortex.http.OpsHandlers;
import dev.vortex.http.Router;
import dev.vortex.http.StatusPage;
import dev.vortex.http.WebhookHandler;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.Principals;
import dev.vortex.render.CommitSource;
import dev.vortex.render.Renderer;
import dev.vortex.render.ServedCommits;
import dev.vortex.render.CipherKeys;
import dev.vortex.state.StateStore;
import dev.vortex.sync.SyncEngine;
import dev.vortex.ws.ConfigFeed;
import dev.vortex.ws.RenderedFeed;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Everything that depends on the configured repositories, built together from one configuration:
 * the mirrors, the renderer, the sync engine, the HTTP routes and the WebSocket feed. A reload
 * that changes repositories or their sync settings builds a new one and switches to it
 * ({@link ServingSwitch}); the servers, the state and the sessions outlive it.
 */
record Serving(VortexConfig config, Mirrors mirrors, Renderer renderer, SyncEngine sync, Router router, ConfigFeed feed) {

    /** What every {@link Serving} shares, made once at start. */
    record Shared(Metrics metrics, InstantSource clock, StateStore state, Principals principals, IntSupplier httpPort,
                  IntSupplier wsPort, Supplier<Map<String, Object>> reloadStatus) {
    }

    /**
     * Opens the mirrors ({@code running}'s are shared where a repository stays, see
     * {@link Mirrors#reopen}) and builds the rest; the sync engine is not started. On failure
     * nothing is left open.
     */
    static Serving build(VortexConfig config, Shared shared, Mirrors running) throws IOException {
        Mirrors mirrors = running == null ? Mirrors.open(config, shared.clock())
                : Mirrors.reopen(running, config.dataDir().resolve("mirrors"), config.repos(), config.sync().fetchTimeout(), shared.clock());
        try {
            Metrics metrics = shared.metrics();
            // the salt was checked by the loader; a key store that does not open fails the build (at start: exit 78, see Vortexd)
            Optional<CipherKeys> cipher = CipherKeys.of(config.encrypt());
            Renderer renderer = new Renderer(metrics, config.render(), config.overrides(), cipher);
            config.repos().forEach(r -> {
                metrics.startAtZero("vortex_render_errors_total", r.name());
                metrics.startAtZero("vortex_cipher_failures_total", r.name());
            });
            CommitSource commits = new ServedCommits(shared.state(), mirrors, renderer);
            SyncEngine sync = new SyncEngine(config, mirrors, shared.state(), renderer::check, metrics, shared.clock());
            Router router = new Router(metrics);
            new OpsHandlers(metrics, sync::waiting).register(router);
            new AdminHandlers(sync, renderer::cipherFailures).register(router);
            WebhookHandler.create(config, sync, metrics, shared.clock()).register(router);
            new DiffHandler(config.repos(), commits, renderer).register(router);
            new EncryptHandler(cipher).register(router);
            new ExplainHandler(config.repos(), commits, renderer).register(router);
            router.fallback(new ConfigHandler(config.repos(), commits, renderer));
            new StatusPage(Vortexd.VERSION, shared.httpPort(), shared.wsPort(), shared.principals()::required, shared.reloadStatus())
                    .register(router);
            ConfigFeed feed = new RenderedFeed(config.repos(), commits, renderer);
            return new Serving(config, mirrors, renderer, sync, router, feed);
        } catch (IOException | RuntimeException e) {
            mirrors.close();
            throw e;
        }
    }
}
