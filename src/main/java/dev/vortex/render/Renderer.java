package dev.vortex.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vortex.config.Names;
import dev.vortex.config.Overrides;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The rendering facade: Spring Cloud Config answers (Environment JSON, merged views, plain
 * files), the effective configuration pushed over WebSocket, a commit's inventory, the
 * last-known-good check and the diff between two commits — all read from git objects at an
 * exact commit. Parsed files are cached by blob id; every response is rendered once per
 * (repo, app, profiles, label, commit, view, options) and kept as bytes in a bounded cache ({@link RenderCaches}).
 * Thread-safe; nothing here touches refs or fetches.
 *
 * <p>{@code label} arguments are the label the request named, null when it named none (the
 * Environment then says {@code "label":null} and {@code {label}} in search paths stands for
 * the repository's default label).
 */
public final class Renderer {
    private static final Log LOG = Log.of(Renderer.class);
    private static final String TEXT_FILE = "text/plain;charset=UTF-8";
    private static final String BINARY_FILE = "application/octet-stream";
    /** Spring Cloud Config's v2 Environment media type: values with their origins. */
    public static final String V2_JSON = "application/vnd.spring-cloud.config-server.v2+json";
    // made at the first key store, not at the start: a SecureRandom's provider lookup generates classes
    private static final class KeysTags {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }

    private final ParseCache parser;
    private final CipherValues ciphers;
    private final RenderCaches caches;
    private final Metrics.Counter errors;
    /** The {@code overrides} property source, null when none are configured. */
    private final Environment.PropertySource overrides;
    /**
     * Appended to every ETag: a tag of the overrides when any are served (the same commit with other
     * overrides is another answer), and a random tag drawn when {@code {cipher}} keys are configured
     * (the same commit decrypted with rotated keys is another answer, so a client's tag from before a
     * restart or a key reload never gets a 304 for stale plain text).
     */
    private final String tag;
    private final BrokenFiles brokenFiles;
    private final CommitChanges changes;

    /**
     * {@code render.cache-size} bounds the rendered responses (bytes), and sizes the caches behind
     * them as estimated memory: half as much for parsed files, a quarter for environments, an
     * eighth for directory listings.
     */
    public Renderer(Metrics metrics, VortexConfig.Render config) {
        this(metrics, config, Map.of(), Optional.empty());
    }

    /** With {@code overrides} served to every client as the first property source (see {@link Overrides}). */
    public Renderer(Metrics metrics, VortexConfig.Render config, Map<String, String> overrides) {
        this(metrics, config, overrides, Optional.empty());
    }

    /** {@code cipher}: the keys {@code {cipher}} values are decrypted with (none: they are served as {@code invalid.<key>}). */
    public Renderer(Metrics metrics, VortexConfig.Render config, Map<String, String> overrides, Optional<CipherKeys> cipher) {
        this(metrics, config.cacheBytes(), config.cacheBytes() / 2, overrides, cipher);
    }

    Renderer(Metrics metrics, long cacheBytes, long parseCacheBytes) {
        this(metrics, cacheBytes, parseCacheBytes, Map.of(), Optional.empty());
    }

    private Renderer(Metrics metrics, long cacheBytes, long parseCacheBytes, Map<String, String> overrides, Optional<CipherKeys> cipher) {
        this.ciphers = new CipherValues(cipher, metrics);
        this.overrides = overrides.isEmpty() ? null
                : new Environment.PropertySource(Overrides.SOURCE_NAME, Collections.unmodifiableMap(new LinkedHashMap<>(overrides)));
        this.tag = (overrides.isEmpty() ? "" : "-o" + Integer.toHexString(new java.util.TreeMap<>(overrides).hashCode()))
                + (cipher.isEmpty() ? "" : "-k" + java.util.HexFormat.of().toHexDigits(KeysTags.RANDOM.nextInt()));
        this.parser = new ParseCache(parseCacheBytes, metrics);
        this.brokenFiles = new BrokenFiles(parser, ciphers);
        this.changes = new CommitChanges(parser, brokenFiles, this::open);
        this.caches = new RenderCaches(cacheBytes, metrics);
        this.errors = metrics.counter("vortex_render_errors_total", "Commits checked with a configuration file that does not parse", "repo");
        metrics.gauge("vortex_parse_cache_entries", "Parsed files held by the blob-id parse cache", parser::entries);
    }

    /** {@code GET /{app}/{profiles}[/{label}]}: the Environment JSON, {@code application/json}, ETag {@code "<commit>"}. */
    public Rendered environment(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        return environment(repo, at, app, profiles, label, false);
    }

    /**
     * The Environment JSON; with {@code origins} as Spring answers the v2 media type (each value
     * {@code {"value":…,"origin":"LINE:COLUMN"}}, ETag {@code "<commit>-v2"}).
     */
    public Rendered environment(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label,
                                boolean origins) {
        Query q = query(repo, at, app, profiles, label);
        RenderCaches.Key key = new RenderCaches.Key(repo.name(), origins ? "env-v2" : "env", app, profiles, label, at.commit(), null, false);
        return caches.response(key, () -> new Rendered(Views.environmentJson(environment(repo, at, q), origins),
                origins ? V2_JSON : "application/json", environmentEtag(at.commit(), origins)));
    }

    /** {@code /{app}-{profiles}.yml|.properties|.json}: the merged view; ETag {@code "<commit>"} plus the view's suffix. */
    public Rendered view(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label, View view,
                         boolean resolvePlaceholders) {
        Query q = query(repo, at, app, profiles, label);
        RenderCaches.Key key = new RenderCaches.Key(repo.name(), view.name(), app, profiles, label, at.commit(), null, resolvePlaceholders);
        return caches.response(key, () -> {
            Environment env = environment(repo, at, q);
            Map<String, Object> flat = Merge.flat(env);
            if (resolvePlaceholders) {
                flat = Merge.resolved(flat, env);
            }
            return new Rendered(Views.render(view, flat), view.contentType(), viewEtag(at.commit(), view));
        });
    }

    /**
     * {@code /{app}/{profile}/{label}/{path}}: a plain file, searched like Spring (search paths
     * before the root, {@code name-{profile}.ext} before {@code name.ext}). Text gets its
     * placeholders resolved against the Environment ({@code text/plain;charset=UTF-8}); binary
     * files (a NUL byte, or not UTF-8) are returned untouched as {@code application/octet-stream}.
     * Empty when the commit has no such file.
     */
    public Optional<Rendered> file(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label,
                                   String path, boolean resolvePlaceholders) {
        Query q = query(repo, at, app, profiles, label);
        Names.checkPath(path).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        RenderCaches.Key key = new RenderCaches.Key(repo.name(), "file", app, profiles, label, at.commit(), path, resolvePlaceholders);
        Rendered hit = caches.responseIfPresent(key);
        if (hit != null) {
            return Optional.of(hit);
        }
        try (CommitFiles files = open(at)) {
            Optional<CommitFiles.Entry> found = PlainFiles.find(repo, files, q, path);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes;
            try {
                bytes = files.read(found.get().id());
            } catch (CommitFiles.TooLarge e) {
                throw new RenderException(new ParseProblem(path, 0, e.getMessage()));
            }
            Rendered r;
            String text = PlainFiles.text(bytes);
            if (text == null) {
                r = new Rendered(bytes, BINARY_FILE, fileEtag(at.commit()));
            } else {
                if (resolvePlaceholders) {
                    text = Placeholders.resolve(text, environment(repo, at, q)::lookup);
                }
                r = new Rendered(text.getBytes(StandardCharsets.UTF_8), TEXT_FILE, fileEtag(at.commit()));
            }
            caches.put(key, r);
            return Optional.of(r);
        }
    }

    /**
     * The effective configuration (what a WebSocket {@code config_snapshot.config} holds): the
     * merged flattened keys, highest precedence winning, lists taken whole as in the views,
     * placeholders resolved. A new mutable map on every call.
     */
    public Map<String, Object> effective(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        Query q = query(repo, at, app, profiles, label);
        Environment env = environment(repo, at, q);
        return Merge.resolved(Merge.flat(env), env);
    }

    /**
     * {@link #effective} for the WebSocket feed: takes the cached Environment when there is one but
     * does not keep one it renders, so a change that re-renders 20,000 targets does not push out of
     * the cache what HTTP clients read (the feed's channels keep the effective maps themselves).
     */
    public Map<String, Object> effectiveUncached(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        Query q = query(repo, at, app, profiles, label);
        Environment env = caches.environmentIfPresent(environmentKey(repo, at, q));
        if (env == null) {
            env = build(repo, at, q);
        }
        return FlatConfig.of(Merge.resolved(Merge.flat(env), env));
    }

    /**
     * Every source of the Environment that defines {@code key}, highest precedence first, the one
     * whose value is served marked {@code wins} (none when a list of a higher source hides it).
     */
    public List<Definition> definitions(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label,
                                        String key) {
        Environment env = environment(repo, at, query(repo, at, app, profiles, label));
        Integer winner = Merge.winners(env).get(key);
        List<Definition> out = new ArrayList<>();
        List<Environment.PropertySource> sources = env.propertySources();
        for (int i = 0; i < sources.size(); i++) {
            Environment.PropertySource s = sources.get(i);
            if (s.source().containsKey(key)) {
                out.add(new Definition(key, s.source().get(key), s.name(), s.path(), s.document(), s.origins().get(key),
                        winner != null && winner == i));
            }
        }
        return out;
    }

    /**
     * The effective configuration (as {@link #effective}, placeholders resolved), each key with the
     * source, file and origin its value comes from.
     */
    public List<Definition> effectiveWithOrigins(RepoConfig repo, ResolvedCommit at, String app, String profiles,
                                                 String label) {
        Environment env = environment(repo, at, query(repo, at, app, profiles, label));
        Map<String, Object> effective = Merge.resolved(Merge.flat(env), env);
        Map<String, Integer> winners = Merge.winners(env);
        List<Definition> out = new ArrayList<>(effective.size());
        effective.forEach((key, value) -> {
            Environment.PropertySource s = env.propertySources().get(winners.get(key));
            out.add(new Definition(key, value, s.name(), s.path(), s.document(), s.origins().get(key), true));
        });
        return out;
    }

    /**
     * Drops what was rendered at {@code commit} (responses, environments, inventory): called when a
     * label stops serving it, so these caches hold what is served rather than every commit that went
     * by. Parsed files stay (by blob id, and mostly shared with the next commit). A commit still
     * served elsewhere, or asked for by id, is rendered again when asked.
     */
    public void forget(ObjectId commit) {
        caches.forget(commit);
    }

    /** The RFC 6902 patch turning the effective configuration at {@code from} into the one at {@code to}. */
    public ArrayNode diff(RepoConfig repo, ResolvedCommit from, ResolvedCommit to, String app, String profiles,
                          String label) {
        return JsonPatch.diff(effective(repo, from, app, profiles, label), effective(repo, to, app, profiles, label));
    }

    /**
     * The applications whose effective configuration may differ between commits {@code from} and
     * {@code to}: the readers of the configuration files that changed (compared by blob id, nothing
     * parsed); empty when every application may ({@code application.*} changed). A change fans out to
     * these only.
     */
    public Optional<Set<String>> touched(RepoConfig repo, ResolvedCommit from, ResolvedCommit to) {
        return changes.touched(repo, from, to);
    }

    /**
     * True when {@code to} serves the same applications and profiles as {@code from}: the commits
     * differ only in the content of files, and no changed configuration file names other profiles
     * (nothing else parsed).
     */
    public boolean sameInventory(RepoConfig repo, ResolvedCommit from, ResolvedCommit to) {
        return changes.sameInventory(repo, from.commit(), to);
    }

    /** The applications and profiles the commit can serve (cached per commit). */
    public Inventory inventory(RepoConfig repo, ResolvedCommit at) {
        RenderCaches.Key key = new RenderCaches.Key(repo.name(), "inventory", null, null, null, at.commit(), null, false);
        return caches.inventory(key, () -> changes.inventory(repo, at));
    }

    /** The {@code {cipher}} values of {@code repo} rendered so far that could not be decrypted (file, key, commit). */
    public List<CipherFailure> cipherFailures(String repo) {
        return ciphers.failures(repo);
    }

    /**
     * Parses every configuration file ({@code .yml}, {@code .yaml}, {@code .properties}) in the
     * root and the directories the search paths can reach; the files that do not parse, in path
     * order, each with the applications that read it ({@link BrokenFiles}). Cheap on a commit that
     * changed few files (parse cache). Counts {@code vortex_render_errors_total{repo}} when it finds a
     * problem. Warns, once per path, about each entry of those directories it cannot serve (symbolic
     * links, submodules, names not UTF-8). Tries their {@code {cipher}} values, for {@link #cipherFailures}.
     */
    public List<BrokenFile> check(RepoConfig repo, Repository git, ObjectId commit) {
        ResolvedCommit at = new ResolvedCommit(git, commit);
        List<BrokenFile> broken;
        try (CommitFiles files = open(at)) {
            broken = brokenFiles.all(repo, commit, files, () -> inventory(repo, at));
        }
        return counted(repo, broken);
    }

    /**
     * {@link #check(RepoConfig, Repository, ObjectId)} of a commit near {@code earlier}, whose check
     * found {@code earlierBroken}: when the commits differ only in the content of files, only those
     * files are looked at (time proportional to the change, not to the repository).
     */
    public List<BrokenFile> check(RepoConfig repo, Repository git, ObjectId commit, ObjectId earlier, List<BrokenFile> earlierBroken) {
        ResolvedCommit at = new ResolvedCommit(git, commit);
        return changes.check(repo, at, earlier, earlierBroken, () -> inventory(repo, at))
                .map(broken -> counted(repo, broken))
                .orElseGet(() -> check(repo, git, commit));
    }

    /**
     * Tries the {@code {cipher}} values of the configuration files of {@code commit}, for
     * {@link #cipherFailures}: what its check did before a restart (state.json kept the broken files
     * it found, not these). Parses only files whose text holds {@code {cipher}}.
     */
    public void scanCiphers(RepoConfig repo, Repository git, ObjectId commit) {
        try (CommitFiles files = open(new ResolvedCommit(git, commit))) {
            brokenFiles.ciphers(repo, commit, files);
        }
    }

    private List<BrokenFile> counted(RepoConfig repo, List<BrokenFile> broken) {
        if (!broken.isEmpty()) {
            errors.inc(repo.name());
        }
        return broken;
    }

    /**
     * The first file the Environment of (app, profiles, label) at {@code at} reads that does not
     * parse; empty when it renders (then it is cached, and rendering it next costs nothing more).
     */
    public Optional<ParseProblem> unreadable(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        try {
            environment(repo, at, query(repo, at, app, profiles, label));
            return Optional.empty();
        } catch (RenderException e) {
            return Optional.of(e.problem());
        }
    }

    ParseCache parseCache() {
        return parser;
    }

    long cacheHits() {
        return caches.hits();
    }

    long cacheMisses() {
        return caches.misses();
    }

    private Environment environment(RepoConfig repo, ResolvedCommit at, Query q) {
        return caches.environment(environmentKey(repo, at, q), () -> build(repo, at, q));
    }

    private static RenderCaches.Key environmentKey(RepoConfig repo, ResolvedCommit at, Query q) {
        return new RenderCaches.Key(repo.name(), "environment", q.app(), q.profiles(), q.label(), at.commit(), null, false);
    }

    private Environment build(RepoConfig repo, ResolvedCommit at, Query q) {
        Environment env;
        try (CommitFiles files = open(at)) {
            env = Environments.build(files, parser, ciphers, repo.name(), repo.primaryUrl(), repo.searchPaths(), at.commit().name(), q);
        }
        if (overrides != null) {
            List<Environment.PropertySource> sources = new ArrayList<>(env.propertySources().size() + 1);
            sources.add(overrides);
            sources.addAll(env.propertySources());
            env = new Environment(env.name(), env.profiles(), env.label(), env.version(), sources);
        }
        return env;
    }

    private CommitFiles open(ResolvedCommit at) {
        return new CommitFiles(at.git(), at.commit(), caches.listings);
    }

    private static Query query(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        return new Query(app, profiles, label, at.label() != null ? at.label() : repo.defaultLabel().orElse(Snapshot.FIRST_GUESS));
    }

    /*
     * ETags are known before rendering, so a 304 costs no render. A response is a function of its
     * URL, the commit, the overrides and the {@code {cipher}} keys, so the commit id plus the tag
     * (see {@link #tag}) is enough; the suffix keeps the views' tags apart.
     */

    /** {@code "<commit>"}, or {@code "<commit>-v2"} for the Environment with origins. */
    public String environmentEtag(ObjectId commit, boolean origins) {
        return "\"" + commit.name() + tag + (origins ? "-v2" : "") + "\"";
    }

    /** {@code "<commit>"} for the JSON view, {@code "<commit>-yaml"} and {@code "<commit>-properties"} for the others. */
    public String viewEtag(ObjectId commit, View view) {
        return "\"" + commit.name() + tag + view.etagSuffix() + "\"";
    }

    /** {@code "<commit>-file"}: the ETag of a plain file (its placeholders may resolve from the overrides). */
    public String fileEtag(ObjectId commit) {
        return "\"" + commit.name() + tag + "-file\"";
    }
}
