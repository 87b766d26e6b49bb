package dev.vortex.git;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Every configured repository's mirror, opened (and repaired) once at start: stale {@code *.lock}
 * files left by a killed fetch are removed, and a mirror JGit cannot open is moved aside to
 * {@code <repo>.git.broken-<timestamp>} and created again empty (its next fetch fills it).
 */
public final class Mirrors implements AutoCloseable {
    private static final Log LOG = Log.of(Mirrors.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Configuration order, then the order {@link #add} added them; synchronized, as templates add mirrors while serving. */
    private final Map<String, Mirror> mirrors;
    private final Path directory;
    private final Duration fetchTimeout;
    private final InstantSource clock;
    /** JGit's set-up, once per process (see {@link #prepare}). */
    private static volatile CompletableFuture<Void> prepared;

    private Mirrors(Map<String, Mirror> mirrors, Path directory, Duration fetchTimeout, InstantSource clock) {
        this.mirrors = java.util.Collections.synchronizedMap(mirrors);
        this.directory = directory;
        this.fetchTimeout = fetchTimeout;
        this.clock = clock;
    }

    /** Opens the mirrors of every configured repository under {@code data-dir/mirrors}. */
    public static Mirrors open(VortexConfig config, InstantSource clock) throws IOException {
        return open(config.dataDir().resolve("mirrors"), config.repos(), config.sync().fetchTimeout(), clock);
    }

    public static Mirrors open(Path mirrorsDir, List<RepoConfig> repos, Duration fetchTimeout, InstantSource clock) throws IOException {
        awaitPrepared();
        Files.createDirectories(mirrorsDir);
        Map<String, Mirror> opened = new LinkedHashMap<>();
        try {
            for (RepoConfig repo : repos) {
                Path dir = mirrorsDir.resolve(repo.name() + ".git");
                Repository git = openOrRecreate(repo.name(), dir, clock);
                opened.put(repo.name(), new Mirror(repo, dir, git, fetchTimeout));
                configure(git);
            }
        } catch (IOException | RuntimeException e) {
            opened.values().forEach(Mirror::close);
            throw e;
        }
        return new Mirrors(opened, mirrorsDir, fetchTimeout, clock);
    }

    /**
     * The mirrors of a reloaded configuration: a repository already open in {@code running} shares
     * its JGit repository (reference counted, so closing {@code running} later leaves it open here;
     * and its lock files, which a fetch of {@code running} may hold, are left alone); a new one is
     * opened (and repaired) as at start.
     */
    public static Mirrors reopen(Mirrors running, Path mirrorsDir, List<RepoConfig> repos, Duration fetchTimeout,
                                 InstantSource clock) throws IOException {
        Files.createDirectories(mirrorsDir);
        Map<String, Mirror> opened = new LinkedHashMap<>();
        try {
            for (RepoConfig repo : repos) {
                Path dir = mirrorsDir.resolve(repo.name() + ".git");
                Mirror kept = running.mirrors.get(repo.name());
                Repository git;
                if (kept != null) {
                    git = kept.repository();
                    git.incrementOpen();
                } else {
                    git = openOrRecreate(repo.name(), dir, clock);
                    configure(git);
                }
                opened.put(repo.name(), new Mirror(repo, dir, git, fetchTimeout));
            }
        } catch (IOException | RuntimeException e) {
            opened.values().forEach(Mirror::close);
            throw e;
        }
        return new Mirrors(opened, mirrorsDir, fetchTimeout, clock);
    }

    /** Opens (or creates) the mirror of a repository a template made while serving; the one open already if it was. */
    public Mirror add(RepoConfig repo) throws IOException {
        synchronized (mirrors) {
            Mirror open = mirrors.get(repo.name());
            if (open != null) {
                return open;
            }
            Path dir = directory.resolve(repo.name() + ".git");
            Repository git = openOrRecreate(repo.name(), dir, clock);
            configure(git);
            Mirror m = new Mirror(repo, dir, git, fetchTimeout);
            mirrors.put(repo.name(), m);
            return m;
        }
    }

    /** Closes and deletes the mirror of a template's repository whose remote does not exist. */
    public void remove(String repo) throws IOException {
        Mirror m = mirrors.remove(repo);
        if (m == null) {
            return;
        }
        m.close();
        try (Stream<Path> files = Files.walk(m.directory())) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Starts JGit's one-time set-up on a virtual thread, so it runs beside the rest of the start
     * (configuration, principals, state) instead of before the first mirror opens: where git's system
     * configuration is, the file system's attributes and the user and system git configuration. Before
     * it, JGit's clean-up at exit is handed to {@link JGitCleanup}, which spares the start JGit's messages.
     * {@link #open} waits for it; a failure here is only a cold cache, as opening the mirror reads the
     * same files again and reports what is wrong with them.
     */
    public static synchronized void prepare() {
        // once per process: it adds a shutdown hook and starts a thread
        if (prepared == null) {
            JGitCleanup.install();
            prepared = CompletableFuture.runAsync(Mirrors::setUpJGit, task -> Thread.ofVirtual().name("vortex-jgit-setup").start(task));
        }
    }

    /** Waits for {@link #prepare}, starting it if nobody did; what the first use of JGit in this process calls. */
    static void awaitPrepared() {
        prepare();
        try {
            prepared.join();
        } catch (java.util.concurrent.CompletionException e) {
            // a cold cache: the caller's own use of JGit meets the same problem and reports it
        }
    }

    static void setUpJGit() {
        locateSystemConfig();
        try {
            SystemReader.getInstance().getUserConfig();
        } catch (IOException | ConfigInvalidException e) {
            LOG.debug("JGit set-up left to the first mirror", "err", e.getMessage());
        }
    }

    /**
     * Tells JGit where git's system configuration is, as git itself finds it ({@code $GIT_CONFIG_SYSTEM},
     * else {@code /etc/gitconfig}); left to itself JGit runs {@code git} twice to ask, a start-up cost.
     * {@code GIT_CONFIG_NOSYSTEM} still turns it off (JGit checks that itself).
     */
    private static void locateSystemConfig() {
        String file = System.getenv("GIT_CONFIG_SYSTEM");
        FS.DETECTED.setGitSystemConfig(new File(file == null || file.isBlank() ? "/etc/gitconfig" : file));
    }

    /** Why a repository's credentials file cannot be used (unreadable, wrong format), for {@code --check-config}; never its content. */
    public static java.util.Optional<String> credentialsProblem(Path file) {
        try {
            Credentials.load(java.util.Optional.of(file));
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** The mirror of a configured repository. */
    public Mirror mirror(String repo) {
        Mirror m = mirrors.get(repo);
        if (m == null) {
            throw new IllegalArgumentException("no mirror for repository \"" + repo + "\" (configured: " + mirrors.keySet() + ")");
        }
        return m;
    }

    public List<Mirror> all() {
        return List.copyOf(mirrors.values());
    }

    @Override
    public void close() {
        all().forEach(Mirror::close);
    }

    private static Repository openOrRecreate(String name, Path dir, InstantSource clock) throws IOException {
        if (!Files.exists(dir)) {
            return create(dir);
        }
        removeStaleLocks(name, dir);
        try {
            return openChecked(dir);
        } catch (IOException | RuntimeException e) {
            Path aside = dir.resolveSibling(dir.getFileName() + ".broken-" + STAMP.format(clock.instant()));
            for (int i = 1; Files.exists(aside); i++) {
                aside = dir.resolveSibling(dir.getFileName() + ".broken-" + STAMP.format(clock.instant()) + "-" + i);
            }
            Files.move(dir, aside);
            LOG.warn("mirror cannot be opened, moved aside and created again", "repo", name, "moved_to", aside,
                    "err", e.getClass().getSimpleName() + ": " + e.getMessage());
            return create(dir);
        }
    }

    /** Opens an existing mirror and reads its config and refs, so damage shows here rather than at the first fetch. */
    private static Repository openChecked(Path dir) throws IOException {
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).setBare().build();
        try {
            if (!repo.getObjectDatabase().exists()) {
                throw new IOException("object database missing in " + dir);
            }
            repo.getRefDatabase().getRefs();
            return repo;
        } catch (IOException | RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    private static Repository create(Path dir) throws IOException {
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        repo.create(true);
        return repo;
    }

    /**
     * JGit's gc inside every fetch off (a run repacks after it published, see {@link MirrorGc}), and
     * the packs a repack replaced deleted at once: JGit keeps them an hour by default (for readers on
     * network filesystems), so a mirror repacked more than once an hour kept every full pack it made
     * until the hour passed. Readers are safe: an open pack stays readable after its file is deleted,
     * and JGit rescans for one it cannot open.
     */
    private static void configure(Repository repo) throws IOException {
        StoredConfig config = repo.getConfig();
        boolean changed = MirrorGc.disableAutoGc(config);
        if (!"now".equals(config.getString(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE))) {
            config.setString(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE, "now");
            changed = true;
        }
        if (changed) {
            config.save();
        }
    }

    /** Runs at open only, when no fetch of ours can be running, so every lock file is stale. */
    private static void removeStaleLocks(String name, Path dir) throws IOException {
        List<Path> locks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p)).forEach(locks::add);
        }
        for (Path lock : locks) {
            Files.deleteIfExists(lock);
            LOG.warn("removed stale lock file", "repo", name, "file", dir.relativize(lock));
        }
    }
}
