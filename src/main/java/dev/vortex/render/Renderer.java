package dev.vortex.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The rendering facade: Spring Cloud Config answers (Environment JSON, merged views, plain
 * files), the effective configuration pushed over WebSocket, a commit's inventory, the
 * last-known-good check and the diff between two commits — all read from git objects at an
 * exact commit. Parsed files are cached by blob id; every response is rendered once per
 * (repo, app, profiles, label, commit, view, options) and kept as bytes in a bounded LRU.
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
    // per-entry bookkeeping beside the body bytes
    private static final int ENTRY_OVERHEAD = 256;

    private final ParseCache parser;
    private final Lru<ObjectId, CommitFiles.Dir> trees = new Lru<>(1_000_000, d -> d.entries().size() + 1L);
    private final Lru<Key, Rendered> responses;
    private final Lru<Key, Inventory> inventories = new Lru<>(256, i -> 1);
    private final Metrics.Counter cacheHits;
    private final Metrics.Counter cacheMisses;
    private final Metrics.Counter errors;

    // what a cached response or inventory is for; unused parts are "" or null
    private record Key(String repo, String kind, String app, String profiles, String label, ObjectId commit,
                       String path, boolean resolve) {
    }

    public Renderer(Metrics metrics, VortexConfig.Render config) {
        this(metrics, config.cacheBytes(), ParseCache.DEFAULT_MAX_ENTRIES);
    }

    Renderer(Metrics metrics, long cacheBytes, int parseCacheEntries) {
        this.parser = new ParseCache(parseCacheEntries);
        this.responses = new Lru<>(cacheBytes, r -> r.body().length + (long) ENTRY_OVERHEAD);
        this.cacheHits = metrics.counter("vortex_render_cache_hits_total", "Rendered responses served from the byte cache");
        this.cacheMisses = metrics.counter("vortex_render_cache_misses_total", "Responses rendered because the byte cache did not hold them");
        this.errors = metrics.counter("vortex_render_errors_total", "Commits refused because a configuration file does not parse", "repo");
        metrics.gauge("vortex_parse_cache_entries", "Parsed files held by the blob-id parse cache", parser::entries);
    }

    /** {@code GET /{app}/{profiles}[/{label}]}: the Environment JSON, {@code application/json}, ETag {@code "<commit>"}. */
    public Rendered environment(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        Query q = query(repo, app, profiles, label);
        Key key = new Key(repo.name(), "env", app, profiles, label, at.commit(), null, false);
        return cached(key, () -> new Rendered(Views.environmentJson(environment(repo, at, q)), "application/json",
                etag(at, "")));
    }

    /** {@code /{app}-{profiles}.yml|.properties|.json}: the merged view; ETag {@code "<commit>"} plus the view's suffix. */
    public Rendered view(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label, View view,
                         boolean resolvePlaceholders) {
        Query q = query(repo, app, profiles, label);
        Key key = new Key(repo.name(), view.name(), app, profiles, label, at.commit(), null, resolvePlaceholders);
        return cached(key, () -> {
            Environment env = environment(repo, at, q);
            Map<String, Object> flat = Merge.flat(env);
            if (resolvePlaceholders) {
                flat = Merge.resolved(flat, env);
            }
            return new Rendered(Views.render(view, flat), view.contentType(), etag(at, view.etagSuffix()));
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
        Query q = query(repo, app, profiles, label);
        dev.vortex.config.Names.checkPath(path).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        Key key = new Key(repo.name(), "file", app, profiles, label, at.commit(), path, resolvePlaceholders);
        Rendered hit = responses.get(key);
        if (hit != null) {
            cacheHits.inc();
            return Optional.of(hit);
        }
        cacheMisses.inc();
        try (CommitFiles files = open(at)) {
            Optional<CommitFiles.Entry> found = findFile(repo, files, q, path);
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
            String text = utf8Text(bytes);
            if (text == null) {
                r = new Rendered(bytes, BINARY_FILE, etag(at, "-file"));
            } else {
                if (resolvePlaceholders) {
                    Environment env = Environments.build(files, parser, repo.primaryUrl(), repo.searchPaths(),
                            at.commit().name(), q);
                    text = Placeholders.resolve(text, env::lookup);
                }
                r = new Rendered(text.getBytes(StandardCharsets.UTF_8), TEXT_FILE, etag(at, "-file"));
            }
            responses.put(key, r);
            return Optional.of(r);
        }
    }

    /**
     * The effective configuration (what a WebSocket {@code config_snapshot.config} holds): the
     * merged flattened keys, highest precedence winning, lists taken whole as in the views,
     * placeholders resolved. A new mutable map on every call.
     */
    public Map<String, Object> effective(RepoConfig repo, ResolvedCommit at, String app, String profiles, String label) {
        Query q = query(repo, app, profiles, label);
        Environment env = environment(repo, at, q);
        return Merge.resolved(Merge.flat(env), env);
    }

    /** The RFC 6902 patch turning the effective configuration at {@code from} into the one at {@code to}. */
    public ArrayNode diff(RepoConfig repo, ResolvedCommit from, ResolvedCommit to, String app, String profiles,
                          String label) {
        return JsonPatch.diff(effective(repo, from, app, profiles, label), effective(repo, to, app, profiles, label));
    }

    /** The applications and profiles the commit can serve (cached per commit). */
    public Inventory inventory(RepoConfig repo, ResolvedCommit at) {
        Key key = new Key(repo.name(), "inventory", null, null, null, at.commit(), null, false);
        Inventory cached = inventories.get(key);
        if (cached != null) {
            return cached;
        }
        Inventory inv;
        try (CommitFiles files = open(at)) {
            inv = inventory(repo, files);
        }
        inventories.put(key, inv);
        return inv;
    }

    /**
     * Parses every configuration file ({@code .yml}, {@code .yaml}, {@code .properties}) in the
     * root and the directories the search paths can reach; the first problem in path order, or
     * empty when the commit can be served. Cheap on a commit that changed few files (parse cache).
     * Counts {@code vortex_render_errors_total{repo}} when it finds a problem.
     */
    public Optional<ParseProblem> check(RepoConfig repo, Repository git, ObjectId commit) {
        try (CommitFiles files = open(new ResolvedCommit(git, commit))) {
            for (SearchPaths.Match dir : allDirs(repo, files)) {
                CommitFiles.Dir listing = files.dir(dir.dir()).orElseThrow();
                for (CommitFiles.Entry e : listing.entries().values()) {
                    Optional<ParseCache.Format> format = ParseCache.Format.of(e.name());
                    if (e.directory() || format.isEmpty()) {
                        continue;
                    }
                    if (parser.parse(files, e, format.get()) instanceof ParseResult.Failed f) {
                        String path = dir.dir().isEmpty() ? e.name() : dir.dir() + "/" + e.name();
                        ParseProblem problem = new ParseProblem(path, f.line(), f.message());
                        errors.inc(repo.name());
                        LOG.warn("configuration does not parse", "repo", repo.name(), "commit", commit.name(),
                                "file", path, "line", f.line(), "error", f.message());
                        return Optional.of(problem);
                    }
                }
            }
        }
        return Optional.empty();
    }

    ParseCache parseCache() {
        return parser;
    }

    long cacheHits() {
        return responses.hits();
    }

    long cacheMisses() {
        return responses.misses();
    }

    private Rendered cached(Key key, Supplier<Rendered> render) {
        Rendered hit = responses.get(key);
        if (hit != null) {
            cacheHits.inc();
            return hit;
        }
        cacheMisses.inc();
        Rendered r = render.get();
        responses.put(key, r);
        return r;
    }

    private Environment environment(RepoConfig repo, ResolvedCommit at, Query q) {
        try (CommitFiles files = open(at)) {
            return Environments.build(files, parser, repo.primaryUrl(), repo.searchPaths(), at.commit().name(), q);
        }
    }

    private CommitFiles open(ResolvedCommit at) {
        return new CommitFiles(at.git(), at.commit(), trees);
    }

    private static Query query(RepoConfig repo, String app, String profiles, String label) {
        return new Query(app, profiles, label, repo.defaultLabel());
    }

    private static String etag(ResolvedCommit at, String suffix) {
        return "\"" + at.commit().name() + suffix + "\"";
    }

    /**
     * The ETag a response for {@code commit} carries, known before rendering (so a 304 costs no
     * render): {@code "<commit>"} for the Environment and the JSON view, {@code "<commit>-yaml"},
     * {@code "<commit>-properties"} for those views ({@code view}), {@code "<commit>-file"} for plain files.
     */
    public static String etag(ObjectId commit, Optional<View> view, boolean plainFile) {
        String suffix = plainFile ? "-file" : view.map(View::etagSuffix).orElse("");
        return "\"" + commit.name() + suffix + "\"";
    }

    // Spring's order: locations from the highest (last search path) down; per location name-{p}.ext, then name.ext
    private static Optional<CommitFiles.Entry> findFile(RepoConfig repo, CommitFiles files, Query q, String path) {
        List<String> locations = SearchPaths.forRequest(repo.searchPaths(), q.app(), q.profileList(), q.labelOrDefault(), files);
        Set<String> candidates = new LinkedHashSet<>();
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        boolean hasExt = dot > slash;
        for (String p : q.profileList()) {
            if (p.equals("default")) {
                candidates.add(path);
            } else {
                candidates.add(hasExt ? path.substring(0, dot) + "-" + p + path.substring(dot) : path + "-" + p);
            }
        }
        candidates.add(path);
        for (int l = locations.size() - 1; l >= 0; l--) {
            String location = locations.get(l);
            for (String candidate : candidates) {
                Optional<CommitFiles.Entry> e = files.file(location.isEmpty() ? candidate : location + "/" + candidate);
                if (e.isPresent()) {
                    return e;
                }
            }
        }
        return Optional.empty();
    }

    // the text when the bytes are NUL-free UTF-8, else null (binary)
    private static String utf8Text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static List<SearchPaths.Match> allDirs(RepoConfig repo, CommitFiles files) {
        Map<String, SearchPaths.Match> dirs = new java.util.LinkedHashMap<>();
        dirs.put("", new SearchPaths.Match("", Map.of()));
        for (String template : repo.searchPaths()) {
            for (SearchPaths.Match m : SearchPaths.all(template, files)) {
                dirs.putIfAbsent(m.dir(), m);
            }
        }
        return new ArrayList<>(dirs.values());
    }

    private Inventory inventory(RepoConfig repo, CommitFiles files) {
        List<SearchPaths.Match> dirs = allDirs(repo, files);
        // stems (file names without extension) per directory, and all of them
        Map<SearchPaths.Match, Map<String, List<CommitFiles.Entry>>> stems = new java.util.LinkedHashMap<>();
        Set<String> allStems = new HashSet<>();
        for (SearchPaths.Match dir : dirs) {
            Map<String, List<CommitFiles.Entry>> here = new java.util.TreeMap<>();
            for (CommitFiles.Entry e : files.dir(dir.dir()).orElseThrow().entries().values()) {
                if (!e.directory() && ParseCache.Format.of(e.name()).isPresent()) {
                    String stem = e.name().substring(0, e.name().lastIndexOf('.'));
                    here.computeIfAbsent(stem, k -> new ArrayList<>()).add(e);
                    allStems.add(stem);
                }
            }
            stems.put(dir, here);
        }
        Map<String, Set<String>> byApp = new HashMap<>();
        Set<String> shared = new HashSet<>();
        stems.forEach((dir, here) -> here.forEach((stem, entries) -> {
            String dirApp = dir.placeholders().get("application");
            String app;
            String profile = null;
            if (stem.equals("application")) {
                app = dirApp != null ? dirApp : "application";
            } else if (stem.startsWith("application-")) {
                app = dirApp;
                profile = stem.substring("application-".length());
            } else {
                app = stem;
                for (int i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
                    if (allStems.contains(stem.substring(0, i))) {
                        app = stem.substring(0, i);
                        profile = stem.substring(i + 1);
                        break;
                    }
                }
            }
            Set<String> profilesHere = new HashSet<>();
            if (profile != null && !profile.isEmpty()) {
                profilesHere.add(profile);
            }
            if (dir.placeholders().containsKey("profile")) {
                profilesHere.add(dir.placeholders().get("profile"));
            }
            for (CommitFiles.Entry e : entries) {
                if (parser.parse(files, e, ParseCache.Format.of(e.name()).orElseThrow()) instanceof ParseResult.Parsed p) {
                    p.documents().forEach(d -> d.activation().ifPresent(a -> profilesHere.addAll(a.names())));
                }
            }
            boolean sharedFile = app == null || (stem.equals("application") && dirApp == null)
                    || (stem.startsWith("application-") && dirApp == null);
            if (sharedFile) {
                shared.addAll(profilesHere);
            } else {
                byApp.computeIfAbsent(app, k -> new HashSet<>()).addAll(profilesHere);
            }
            if (stem.equals("application") && dirApp == null) {
                byApp.computeIfAbsent("application", k -> new HashSet<>());
            }
        }));
        return Inventory.of(byApp, shared);
    }
}
