package dev.vortex;

import dev.vortex.cluster.Cluster;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.http.AdminHandlers;
import dev.vortex.http.ClusterHandler;
import dev.vortex.http.ConfigHandler;
import dev.vortex.http.DiffHandler;
import dev.vortex.http.EncryptHandler;
import dev.vortex.http.ExplainHandler;
import dev.vortex.http.OpsHandlers;
import dev.vortex.http.Router;
import dev.vortex.http.StatusPage;
import dev.vortex.http.WebhookHandler;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.Principals;
import dev.vortex.render.CommitSource;
import dev.vortex.render.Renderer;
import dev.vortex.render.ServedCommits;
import dev.vortex.render.CipherKeys;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.StateStore;
import dev.vortex.sync.CommitCheck;
import dev.vortex.sync.RepoMaker;
import dev.vortex.sync.SyncEngine;
import dev.vortex.sync.TemplateRepos;
import dev.vortex.ws.ConfigFeed;
import dev.vortex.ws.RenderedFeed;
import java.io.IOException;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Everything that depends on the configured repositories, built together from one configuration:
 * the mirrors, the renderer, the sync engine, the HTTP routes and the WebSocket feed. A reload
 * that changes repositories or their sync settings builds a new one and switches to it
 * ({@link ServingSwitch}); the servers, the state and the sessions outlive it.
 */
record Serving(VortexConfig config, Mirrors mirrors, Renderer renderer, SyncEngine sync, TemplateRepos templates, Router router,
               ConfigFeed feed) {
    private static final Log LOG = Log.of(Serving.class);

    /**
     * Names the {@code {cipher}} values of every served commit that do not decrypt, for the status
     * ({@code cipher_failures}): after a restart the commit checks trusted state.json and tried none.
     * On a virtual thread started once serving: parsing every file must not delay {@code /ready}.
     */
    Thread scanCiphers(StateStore state) {
        return Thread.ofVirtual().name("vortex-cipher-scan").start(() -> {
            long t0 = System.nanoTime();
            int commits = 0;
            for (RepoConfig repo : sync.repos()) {
                for (String commit : new LinkedHashSet<>(state.snapshot().commits(repo.name()).values())) {
                    try {
                        renderer.scanCiphers(repo, mirrors.mirror(repo.name()).repository(), ObjectId.fromString(commit));
                        commits++;
                    } catch (RuntimeException e) { // a mirror closed by a reload meanwhile, a commit gone: the next check names them
                        LOG.warn("cipher scan of a served commit failed", "repo", repo.name(), "commit", commit, "err", e.getMessage());
                    }
                }
            }
            LOG.info("served commits scanned for {cipher} values that do not decrypt", "commits", commits,
                    "duration_ms", (System.nanoTime() - t0) / 1_000_000);
        });
    }

    /** What every {@link Serving} shares, made once at start. */
    record Shared(Metrics metrics, InstantSource clock, StateStore state, Principals principals, IntSupplier httpPort,
                  IntSupplier wsPort, Supplier<Map<String, Object>> reloadStatus, Cluster cluster) {
    }

    /**
     * Opens the mirrors ({@code running}'s are shared where a repository stays, see
     * {@link Mirrors#reopen}) and builds the rest; the sync engine is not started. On failure
     * nothing is left open. The repositories templates made are kept: at start those state.json
     * serves, at a reload those {@code running} has, where their template still serves the application.
     */
    static Serving build(VortexConfig config, Shared shared, Serving running) throws IOException {
        java.util.Collection<String> made = running == null ? shared.state().stored().keySet()
                : running.templates().all().stream().map(dev.vortex.config.RepoConfig::name).toList();
        List<dev.vortex.config.RepoConfig> restored = TemplateRepos.restorable(config.repos(), made);
        // the engine and the mirrors sync the configured repositories and those templates made, never a template itself
        VortexConfig synced = config.withRepos(java.util.stream.Stream.concat(config.repos().stream().filter(r -> !r.isTemplate()),
                restored.stream()).toList(), config.demo());
        Mirrors mirrors = running == null ? Mirrors.open(synced, shared.clock())
                : Mirrors.reopen(running.mirrors(), synced.dataDir().resolve("mirrors"), synced.repos(), synced.sync().fetchTimeout(),
                        shared.clock());
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
            SyncEngine sync = new SyncEngine(synced, mirrors, shared.state(), new CommitCheck() {
                @Override
                public List<BrokenFile> brokenFiles(RepoConfig repo, Repository git, ObjectId commit) {
                    return renderer.check(repo, git, commit);
                }

                @Override
                public List<BrokenFile> brokenFiles(RepoConfig repo, Repository git, ObjectId commit, ObjectId earlier,
                                                    List<BrokenFile> earlierBroken) {
                    return renderer.check(repo, git, commit, earlier, earlierBroken); // only what changed since
                }
            }, metrics, shared.clock());
            TemplateRepos templates = new TemplateRepos(config.repos(), restored, new RepoMaker(mirrors, sync),
                    name -> !shared.state().snapshot().commits(name).isEmpty(), shared.clock(), metrics);
            Router router = new Router(metrics);
            Cluster cluster = shared.cluster();
            new OpsHandlers(metrics, sync::waiting, cluster::stale).register(router);
            new AdminHandlers(sync, renderer::cipherFailures, new AdminHandlers.Peers() {
                @Override
                public void refreshed(String repo) {
                    cluster.forward(repo, Set.of(), Set.of(), "api");
                }

                @Override
                public Map<String, List<String>> stale() {
                    return cluster.stale();
                }
            }).register(router);
            WebhookHandler.create(config, sync, (repo, wants, refs) -> cluster.forward(repo, wants, refs, "webhook"), metrics,
                    shared.clock()).register(router);
            new ClusterHandler(cluster).register(router);
            new DiffHandler(templates, commits, renderer).register(router);
            new EncryptHandler(cipher).register(router);
            new ExplainHandler(templates, commits, renderer).register(router);
            router.fallback(new ConfigHandler(templates, commits, renderer));
            new StatusPage(Vortexd.VERSION, shared.httpPort(), shared.wsPort(), shared.principals()::required, shared.reloadStatus(),
                    cluster::enabled).register(router);
            // a client holding a commit not served here yet: fetch now (no wanted commit: one pushed
            // away must not fail the repository's runs), answered once published or the wait ran out
            // (the wait as the last reload set it: a reload that changes only it keeps this Serving)
            ConfigFeed feed = new RenderedFeed(templates, commits, renderer, repo -> sync.trigger(repo.name(), "resync", Set.of())
                    .thenApply(r -> r).orTimeout(cluster.resyncWait().toMillis(), TimeUnit.MILLISECONDS),
                    config.sync().interval().plus(config.sync().interval())); // not multipliedBy: BigDecimal's set-up on the start's path
            return new Serving(config, mirrors, renderer, sync, templates, router, feed);
        } catch (IOException | RuntimeException e) {
            mirrors.close();
            throw e;
        }
    }
}
