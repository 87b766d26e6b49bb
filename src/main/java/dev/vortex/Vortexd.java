package dev.vortex;

import dev.vortex.cluster.Cluster;
import dev.vortex.config.ConfigException;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.DemoRepository;
import dev.vortex.git.Mirrors;
import dev.vortex.git.RemoteChecks;
import dev.vortex.http.AccessFilter;
import dev.vortex.http.HttpApi;
import dev.vortex.ops.AttemptLimiter;
import dev.vortex.ops.ConfigReloader;
import dev.vortex.ops.Credential;
import dev.vortex.ops.Json;
import dev.vortex.ops.JvmMetrics;
import dev.vortex.ops.Log;
import dev.vortex.ops.Logging;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.Principals;
import dev.vortex.ops.Signals;
import dev.vortex.ops.Timeline;
import dev.vortex.ops.Tls;
import dev.vortex.render.CipherKeys;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.ws.PrincipalCheck;
import dev.vortex.ws.WsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The composition root: builds config → state → sync → http → ws → signals, in that order, and
 * holds no logic of its own. {@link #main} calls {@link #start}, which returns the exit code;
 * tests use {@link #launch} to run the daemon in-process.
 */
public final class Vortexd {
    private static final Log LOG = Log.of(Vortexd.class);
    static final String VERSION = versionOf();

    /** Exit codes; 78 is EX_CONFIG, which systemd is told not to restart on. */
    public enum Exit {
        OK(0), FAILURE(1), CONFIG(78);

        public final int code;

        Exit(int code) {
            this.code = code;
        }
    }

    private final ServingSwitch serving;
    private final ConfigReloader reloader;
    private final HttpApi http;
    private final WsServer ws;
    private final Cluster cluster;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** A part died while running (not a requested stop): the process exits non-zero. */
    private final AtomicBoolean failed = new AtomicBoolean();

    private Vortexd(ServingSwitch serving, ConfigReloader reloader, HttpApi http, WsServer ws, Cluster cluster) {
        this.cluster = cluster;
        this.serving = serving;
        this.reloader = reloader;
        this.http = http;
        this.ws = ws;
    }

    public static void main(String[] args) {
        System.exit(start(args));
    }

    /** Runs the daemon until SIGTERM/SIGINT; returns the process exit code. */
    public static int start(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Usage.TEXT);
            return Exit.OK.code;
        }
        if (List.of(args).contains("--hash-password") || List.of(args).contains("--hash-token")) {
            return hash(List.of(args).contains("--hash-password"));
        }
        if (List.of(args).contains("--version")) {
            System.out.println("vortexd " + VERSION);
            return Exit.OK.code;
        }
        List<String> rest = List.of(args).stream().filter(a -> !a.equals("--check-config") && !a.equals("--print-config")).toList();
        if (List.of(args).contains("--check-config")) {
            return ConfigCommands.check(rest, System.getenv(), System.out, System.err);
        }
        if (List.of(args).contains("--print-config")) {
            return ConfigCommands.print(rest, System.getenv(), System.out, System.err);
        }
        Vortexd daemon;
        try {
            daemon = launch(rest, System.getenv());
        } catch (ConfigException e) {
            printProblems(e, System.err);
            return Exit.CONFIG.code;
        } catch (IOException | RuntimeException e) {
            LOG.error("start failed", e);
            return Exit.FAILURE.code;
        }
        Signals.install(daemon::reload, daemon::shutdown);
        return daemon.awaitExit().code;
    }

    /** Starts every part and returns at once; {@link #shutdown()} stops it; {@link #reload()} re-reads {@code args}' configuration. */
    public static Vortexd launch(List<String> args, Map<String, String> env) throws ConfigException, IOException {
        Mirrors.prepare(); // JGit's set-up, beside the configuration and the rest until the mirrors open
        RemoteChecks.allowProxyBasicAuth();
        ConfigLoader.Loaded loaded = ConfigLoader.loadWithSources(args, env);
        Logging.install(loaded.config().logLevel());
        Timeline timeline = new Timeline();
        timeline.mark("config");
        loaded.warnings().forEach(w -> LOG.warn(w));
        VortexConfig config = withDemo(loaded.config(), loaded.config().dataDir());
        List<String> remoteProblems = RemoteChecks.problems(config.repos());
        if (!remoteProblems.isEmpty()) {
            throw new ConfigException(remoteProblems);
        }
        Metrics metrics = new Metrics();
        JvmMetrics.register(metrics, VERSION);
        InstantSource clock = InstantSource.system();
        Principals principals;
        try {
            principals = Principals.load(config.auth().principalsFile(), config.auth().tokensFile());
        } catch (IllegalArgumentException | IOException e) {
            throw new ConfigException(List.of("auth: " + e.getMessage()));
        }
        warnIfExposed(config, principals);
        AttemptLimiter attempts = AttemptLimiter.perMinute(clock, config.auth().maxFailures());
        AtomicReference<List<String>> openPaths = new AtomicReference<>(config.auth().openPaths());
        Optional<Tls> tls;
        try {
            tls = Tls.load(config.tls(), clock);
            CipherKeys.of(config.encrypt()); // a key store that does not open is a configuration error, not a failed start
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
        for (RepoConfig repo : config.repos()) {
            repo.access().warnings().forEach(w -> LOG.warn(w, "repo", repo.name()));
        }
        timeline.mark("metrics and principals");
        StateStore state = new StateStore(StateFile.in(config.dataDir()), metrics);
        timeline.mark("state read");
        // both ports are known only once bound; the status page reads them per request
        AtomicInteger httpPort = new AtomicInteger();
        AtomicInteger wsPort = new AtomicInteger();
        AtomicReference<ConfigReloader> reloads = new AtomicReference<>();
        AtomicReference<ServingSwitch> servingRef = new AtomicReference<>();
        Cluster cluster = new Cluster(config, state, (repo, wants, refs) -> peerTrigger(servingRef.get(), repo, wants, refs),
                () -> new MirrorOrder(servingRef.get().current().mirrors()), httpPort::get, metrics, clock);
        Serving.Shared shared = new Serving.Shared(metrics, clock, state, principals, httpPort::get, wsPort::get,
                () -> Optional.ofNullable(reloads.get()).flatMap(ConfigReloader::last).map(ConfigReloader.Status::summary).orElse(Map.of()),
                cluster);
        HttpApi.prepare();
        timeline.mark("http set-up");
        ServingSwitch serving = new ServingSwitch(Serving.build(config, shared, null), shared);
        servingRef.set(serving);
        timeline.mark("mirrors and engine");
        serving.current().sync().serveRestored();
        timeline.mark("restored state served");

        HttpApi http = null;
        WsServer ws;
        try {
            http = HttpApi.start(config.http(), tls, exchange -> serving.current().router().handle(exchange), new AccessFilter(principals, openPaths::get, attempts));
            httpPort.set(http.port());
            timeline.mark("http serving");
            ws = new WsServer(config.ws(), serving.feed(), new PrincipalCheck(principals, attempts), metrics, clock, tls.orElse(null));
            WsServer server = ws;
            // listening before the first session can subscribe: no change falls between the two
            state.addListener(e -> server.onChange(e.repo(), e.label(), e.oldCommit(), e.newCommit()));
            // after the hub heard of the change (it renders on its own thread meanwhile): the render
            // caches follow what is served, not every commit that went by
            state.addListener(e -> {
                if (e.oldCommit() != null) {
                    serving.current().renderer().forget(ObjectId.fromString(e.oldCommit()));
                }
            });
            ws.start();
            wsPort.set(ws.port());
            timeline.mark("ws serving");
            serving.current().sync().startSyncing("startup"); // the first fetches after serving: they would only slow the start down
            serving.current().scanCiphers(state); // off the start: /ready never waits for it
            Thread.ofVirtual().name("vortex-json-setup").start(Json::prepare); // nor for databind's: the probes answer without it
            cluster.start();
        } catch (IOException | RuntimeException e) {
            // a port in use or an unreadable secret: undo what was started so nothing lingers
            if (http != null) {
                http.stop(Duration.ZERO);
            }
            serving.current().sync().stop(Duration.ofSeconds(5));
            serving.current().mirrors().close();
            throw e;
        }
        serving.notify(ws);
        WsServer wsServer = ws;
        principals.onRemoved(wsServer::closeSessionsOf);
        ConfigReloader reloader = new ConfigReloader(config, running -> ConfigCommands.keysOpen(withDemo(ConfigLoader.load(args, env), running.dataDir())),
                List.of(principals, (next, diff) -> openPaths.set(next.auth().openPaths()), (next, diff) -> tls.ifPresent(t -> t.reload(next, diff)),
                        serving, wsServer, cluster, (next, diff) -> Logging.setLevel(next.logLevel())), metrics, clock);
        reloads.set(reloader);
        Vortexd daemon = new Vortexd(serving, reloader, http, ws, cluster);
        tls.ifPresent(t -> Thread.ofPlatform().name("vortex-tls-watch").daemon(true).start(() -> watch(t, daemon)));
        ws.stopped().whenComplete((done, error) -> {
            if (error != null) { // the WebSocket server died: exit non-zero so systemd restarts the daemon
                daemon.failed.set(true);
                Thread.ofPlatform().name("vortex-failed-stop").start(daemon::shutdown);
            }
        });
        LOG.info("vortexd started", "version", VERSION, "http", config.http().bind() + ":" + http.port(),
                "ws", config.ws().bind() + ":" + ws.port(), "repos", config.repos().size(), "data_dir", config.dataDir());
        return daemon;
    }

    /** A peer's notice: the refresh it names, here (source {@code peer}); false for a repository not synced here. */
    private static boolean peerTrigger(ServingSwitch serving, String repo, java.util.Set<String> wants, java.util.Set<String> refs) {
        if (serving.current().sync().repos().stream().noneMatch(r -> r.name().equals(repo))) {
            return false;
        }
        serving.current().sync().trigger(repo, "peer", wants, refs);
        return true;
    }

    /**
     * The configuration itself, or with the demo repository when it configures none, created in
     * {@code dataDir} (the running one at a reload: a changed data-dir applies only after a restart).
     */
    private static VortexConfig withDemo(VortexConfig config, Path dataDir) throws ConfigException {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ConfigException(List.of("data-dir: \"" + dataDir + "\" cannot be created: " + e.getMessage()));
        }
        if (!config.repos().isEmpty()) {
            return config;
        }
        try {
            LOG.info("no repository configured: serving the demo repository",
                    "path", dataDir.resolve("demo-config").toAbsolutePath().normalize(),
                    "hint", "configure one with --repo=URL or a repos: list in --config=FILE");
            return config.withRepos(List.of(DemoRepository.ensure(dataDir)), true);
        } catch (IOException e) {
            throw new ConfigException(List.of("data-dir: the demo repository cannot be created in \"" + dataDir + "\": " + e.getMessage()));
        }
    }

    public int httpPort() {
        return http.port();
    }

    public int wsPort() {
        return ws.port();
    }

    /** The configuration in effect (the last one a reload applied). */
    public VortexConfig config() {
        return reloader.running();
    }

    /**
     * SIGHUP: re-reads the configuration (file, environment and flags of the start) and applies
     * it without a restart, refreshing every repository; an invalid file changes nothing.
     */
    public ConfigReloader.Status reload() {
        LOG.info("configuration reload requested", "source", "sighup");
        return reloader.reload();
    }

    /** Graceful stop (SIGTERM): stop triggers, finish or cancel fetches, close sessions, stop HTTP, flush state. */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStop();
            return;
        }
        long start = System.nanoTime();
        // sync: 15 s grace + 5 s for interrupted runs; ws 5 s; http 2 s — inside the promised 30 s.
        Serving last = serving.current();
        cluster.close();
        boolean clean = last.sync().stop(Duration.ofSeconds(15));
        ws.stop(Duration.ofSeconds(5));
        http.stop(Duration.ofSeconds(2));
        last.mirrors().close();
        LOG.info("vortexd stopped", "clean", clean, "duration_ms", (System.nanoTime() - start) / 1_000_000);
        stopped.countDown();
    }

    /** Waits for the stop; {@link Exit#FAILURE} when a part died rather than being stopped. */
    public Exit awaitExit() {
        awaitStop();
        return failed.get() ? Exit.FAILURE : Exit.OK;
    }

    /** The WebSocket server, for tests that make it fail. */
    WsServer ws() {
        return ws;
    }

    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // a renewed certificate (certbot, cert-manager) is picked up within 10 s without a signal
    private static void watch(Tls tls, Vortexd daemon) {
        while (true) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return;
            }
            if (daemon.stopping.get()) {
                return; // a stopped daemon's files may be gone: nothing to reload, nothing to complain about
            }
            tls.reloadIfChanged();
        }
    }

    // --hash-password / --hash-token: reads the secret from stdin, prints what the principals file stores
    private static int hash(boolean password) {
        try {
            String secret = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (secret == null || secret.isEmpty()) {
                System.err.println("vortexd: give the secret on stdin (one line)");
                return Exit.FAILURE.code;
            }
            System.out.println(password ? Credential.hashPassword(secret) : Credential.hashToken(secret));
            return Exit.OK.code;
        } catch (IOException e) {
            System.err.println("vortexd: cannot read stdin: " + e.getMessage());
            return Exit.FAILURE.code;
        }
    }

    private static void warnIfExposed(VortexConfig config, Principals principals) {
        if (principals.required()) {
            return;
        }
        for (String bind : List.of(config.http().bind(), config.ws().bind())) {
            if (!isLoopback(bind)) {
                LOG.warn("listening beyond loopback without auth.principals-file or auth.tokens-file: anyone who can reach this port can refresh and read status",
                        "bind", bind);
                return;
            }
        }
    }

    private static boolean isLoopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static void printProblems(ConfigException e, PrintStream err) {
        err.println("vortexd: invalid configuration (" + e.problems().size() + " problem"
                + (e.problems().size() == 1 ? "" : "s") + "):");
        e.problems().forEach(p -> err.println("  " + p));
    }

    private static String versionOf() {
        String v = Vortexd.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
