package dev.vortex;

import dev.vortex.config.ConfigException;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.DemoRepository;
import dev.vortex.git.Mirrors;
import dev.vortex.http.AdminHandlers;
import dev.vortex.http.AccessFilter;
import dev.vortex.http.ConfigHandler;
import dev.vortex.http.DiffHandler;
import dev.vortex.http.EncryptHandler;
import dev.vortex.http.WebhookHandler;
import dev.vortex.http.HttpApi;
import dev.vortex.http.OpsHandlers;
import dev.vortex.http.Router;
import dev.vortex.http.StatusPage;
import dev.vortex.ops.JvmMetrics;
import dev.vortex.ops.Log;
import dev.vortex.ops.Logging;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.Signals;
import dev.vortex.ops.AttemptLimiter;
import dev.vortex.ops.Credential;
import dev.vortex.ops.Principals;
import dev.vortex.render.CommitSource;
import dev.vortex.render.ParseProblem;
import dev.vortex.render.Renderer;
import dev.vortex.render.ServedCommits;
import dev.vortex.render.SpringCipher;
import dev.vortex.state.StateFile;
import dev.vortex.state.StateStore;
import dev.vortex.sync.SyncEngine;
import dev.vortex.ws.PrincipalCheck;
import dev.vortex.ws.RenderedFeed;
import dev.vortex.ws.WsServer;
import java.time.InstantSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final VortexConfig config;
    private final Principals principals;
    private final Mirrors mirrors;
    private final SyncEngine sync;
    private final HttpApi http;
    private final WsServer ws;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();

    private Vortexd(VortexConfig config, Principals principals, Mirrors mirrors, SyncEngine sync, HttpApi http, WsServer ws) {
        this.config = config;
        this.principals = principals;
        this.mirrors = mirrors;
        this.sync = sync;
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
        Vortexd daemon;
        try {
            daemon = launch(List.of(args), System.getenv());
        } catch (ConfigException e) {
            printProblems(e, System.err);
            return Exit.CONFIG.code;
        } catch (IOException | RuntimeException e) {
            LOG.error("start failed", e);
            return Exit.FAILURE.code;
        }
        Signals.install(() -> daemon.refreshAll("sighup"), daemon::shutdown);
        daemon.awaitStop();
        return Exit.OK.code;
    }

    /** Starts every part and returns at once; {@link #shutdown()} stops it. */
    public static Vortexd launch(List<String> args, Map<String, String> env) throws ConfigException, IOException {
        VortexConfig config = ConfigLoader.load(args, env);
        Logging.install(config.logLevel());
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new ConfigException(List.of("data-dir: \"" + config.dataDir() + "\" cannot be created: " + e.getMessage()));
        }
        if (config.repos().isEmpty()) {
            config = config.withRepos(List.of(DemoRepository.ensure(config.dataDir())), true);
            LOG.info("no repository configured: serving the demo repository",
                    "path", config.dataDir().resolve("demo-config").toAbsolutePath().normalize(),
                    "hint", "configure one with --repo=URL or a repos: list in --config=FILE");
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

        Mirrors mirrors = Mirrors.open(config, clock);
        StateStore state = new StateStore(StateFile.in(config.dataDir()), metrics);
        Optional<SpringCipher> cipher = cipherOf(config.encrypt());
        Renderer renderer = new Renderer(metrics, config.render(), cipher);
        CommitSource commits = new ServedCommits(state, mirrors);
        state.addListener(e -> { // the render caches follow what is served, not every commit that went by
            if (e.oldCommit() != null) {
                renderer.forget(ObjectId.fromString(e.oldCommit()));
            }
        });
        SyncEngine sync = new SyncEngine(config, mirrors, state,
                (repo, git, commit) -> renderer.check(repo, git, commit).map(ParseProblem::toString), metrics, clock);
        sync.start();

        HttpApi http = null;
        WsServer ws = null;
        try {
            Router router = new Router(metrics);
            new OpsHandlers(metrics, sync::reposWithoutCommit).register(router);
            new AdminHandlers(sync).register(router);
            WebhookHandler.create(config, sync, metrics, clock).register(router);
            new DiffHandler(config.repos(), commits, renderer).register(router);
            new EncryptHandler(cipher).register(router);
            router.fallback(new ConfigHandler(config.repos(), commits, renderer));
            // both ports are known only once bound; the status page reads them per request
            AtomicInteger httpPort = new AtomicInteger();
            AtomicInteger wsPort = new AtomicInteger();
            new StatusPage(VERSION, httpPort::get, wsPort::get, principals::required).register(router);
            http = HttpApi.start(config.http(), router, new AccessFilter(principals, config.auth().openPaths(), attempts));
            httpPort.set(http.port());

            WsServer server = new WsServer(config.ws(), new RenderedFeed(config.repos(), state, mirrors, commits, renderer),
                    new PrincipalCheck(principals, attempts), metrics, clock);
            server.start();
            wsPort.set(server.port());
            ws = server;
            state.addListener(e -> server.onChange(e.repo(), e.label(), e.oldCommit(), e.newCommit()));
        } catch (IOException | RuntimeException e) {
            // a port in use or an unreadable secret: undo what was started so nothing lingers
            if (http != null) {
                http.stop(Duration.ZERO);
            }
            sync.stop(Duration.ofSeconds(5));
            mirrors.close();
            throw e;
        }
        Vortexd daemon = new Vortexd(config, principals, mirrors, sync, http, ws);
        LOG.info("vortexd started", "version", VERSION, "http", config.http().bind() + ":" + http.port(),
                "ws", config.ws().bind() + ":" + ws.port(), "repos", config.repos().size(), "data_dir", config.dataDir());
        return daemon;
    }

    public int httpPort() {
        return http.port();
    }

    public int wsPort() {
        return ws.port();
    }

    public VortexConfig config() {
        return config;
    }

    /** SIGHUP: refresh every repository now and re-read the principals; sessions of removed principals end (4401). */
    public void refreshAll(String source) {
        LOG.info("refresh requested", "source", source, "repos", config.repos().size());
        ws.closeSessionsOf(principals.reload());
        sync.triggerAll(source);
    }

    /** Graceful stop (SIGTERM): stop triggers, finish or cancel fetches, close sessions, stop HTTP, flush state. */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStop();
            return;
        }
        long start = System.nanoTime();
        // sync: 15 s grace + 5 s for interrupted runs; ws 5 s; http 2 s — inside the promised 30 s.
        boolean clean = sync.stop(Duration.ofSeconds(15));
        ws.stop(Duration.ofSeconds(5));
        http.stop(Duration.ofSeconds(2));
        mirrors.close();
        LOG.info("vortexd stopped", "clean", clean, "duration_ms", (System.nanoTime() - start) / 1_000_000);
        stopped.countDown();
    }

    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<SpringCipher> cipherOf(VortexConfig.Encrypt encrypt) {
        return encrypt.key().map(k -> new SpringCipher(k, encrypt.salt())); // the salt was checked by the loader
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
