package dev.vortex.http;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
import dev.vortex.ops.Principal;
import dev.vortex.render.CommitSource;
import dev.vortex.render.RenderException;
import dev.vortex.render.Rendered;
import dev.vortex.render.Renderer;
import dev.vortex.render.ResolvedCommit;
import dev.vortex.render.View;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Spring Cloud Config paths, registered as the Router's fallback:
 * <ul>
 * <li>{@code /{app}/{profiles}[/{label}]} — the Environment JSON (with each value's origin for
 *     {@code Accept: application/vnd.spring-cloud.config-server.v2+json}, as Spring answers it);</li>
 * <li>{@code /{app}-{profiles}.{yml,yaml,properties,json}} and {@code /{label}/{app}-{profiles}.…} — merged views
 *     ({@code ?resolvePlaceholders=false} to keep placeholders);</li>
 * <li>{@code /{app}/{profile}/{label}/{path…}} and {@code /{app}/{profile}/{path…}?useDefaultLabel} — plain files.</li>
 * </ul>
 * {@code (_)} in a label stands for {@code /}. Every part is validated (400), the repository is
 * the first whose {@code apps} patterns match, the commit comes from the {@link CommitSource}
 * (unknown label: 404), and responses carry an ETag ({@code If-None-Match} → 304).
 */
public final class ConfigHandler implements Handler {
    static final String V2_JSON = Renderer.V2_JSON;

    private final RepoLookup repos;
    private final CommitSource commits;
    private final Renderer renderer;

    public ConfigHandler(RepoLookup repos, CommitSource commits, Renderer renderer) {
        this.repos = repos;
        this.commits = commits;
        this.renderer = renderer;
    }

    /** Over a fixed set of repositories. */
    public ConfigHandler(List<RepoConfig> repos, CommitSource commits, Renderer renderer) {
        this(RepoLookup.fixed(repos), commits, renderer);
    }

    @Override
    public void handle(Request r) throws IOException {
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            r.exchange().getResponseHeaders().set("Allow", "GET, HEAD");
            throw new ApiException(405, r.method() + " is not allowed here (allowed: GET, HEAD)");
        }
        List<String> s = segments(r.rawPath());
        boolean useDefaultLabel = r.hasQuery("useDefaultLabel");
        boolean resolve = r.query("resolvePlaceholders").map(ConfigHandler::flag).orElse(true);
        switch (s.size()) {
            case 1 -> {
                ViewName v = ViewName.parse(s.get(0)).orElseThrow(() -> new ApiException(404, "no such resource"));
                view(r, v, null, resolve);
            }
            case 2 -> {
                Optional<ViewName> v = ViewName.parse(s.get(1));
                if (v.isPresent()) {
                    view(r, v.get(), label(s.get(0)), resolve);
                } else {
                    environment(r, s.get(0), s.get(1), null);
                }
            }
            case 3 -> {
                if (useDefaultLabel) {
                    file(r, s.get(0), s.get(1), null, s.get(2), resolve);
                } else {
                    environment(r, s.get(0), s.get(1), label(s.get(2)));
                }
            }
            default -> {
                if (useDefaultLabel) {
                    file(r, s.get(0), s.get(1), null, String.join("/", s.subList(2, s.size())), resolve);
                } else {
                    file(r, s.get(0), s.get(1), label(s.get(2)), String.join("/", s.subList(3, s.size())), resolve);
                }
            }
        }
    }

    private void environment(Request r, String app, String profiles, String label) throws IOException {
        Target t = target(r, app, profiles, label);
        boolean v2 = r.header("Accept").map(a -> a.contains(V2_JSON)).orElse(false);
        String etag = renderer.environmentEtag(t.at.commit(), v2);
        if (notModified(r, etag)) {
            return;
        }
        Rendered out = render(() -> renderer.environment(t.repo, t.at, app, profiles, label, v2));
        // the body follows Accept (v2 adds origins), so caches must key on it
        r.bytes(200, out.contentType(), out.body(), Map.of("ETag", out.etag(), "Vary", "Accept"));
    }

    private void view(Request r, ViewName v, String label, boolean resolve) throws IOException {
        Target t = target(r, v.app, v.profiles, label);
        if (notModified(r, renderer.viewEtag(t.at.commit(), v.view))) {
            return;
        }
        Rendered out = render(() -> renderer.view(t.repo, t.at, v.app, v.profiles, label, v.view, resolve));
        r.bytes(200, out.contentType(), out.body(), Map.of("ETag", out.etag()));
    }

    private void file(Request r, String app, String profile, String label, String path, boolean resolve) throws IOException {
        Names.checkPath(path).ifPresent(p -> {
            throw new ApiException(400, p);
        });
        Target t = target(r, app, profile, label);
        if (notModified(r, renderer.fileEtag(t.at.commit()))) {
            return;
        }
        Rendered out = render(() -> renderer.file(t.repo, t.at, app, profile, label, path, resolve))
                .orElseThrow(() -> new ApiException(404, "file '" + path + "' not found in repository '" + t.repo.name() + "'"));
        r.bytes(200, out.contentType(), out.body(), Map.of("ETag", out.etag()));
    }

    private record Target(RepoConfig repo, ResolvedCommit at) {
    }

    /**
     * The scope is checked before the repository is looked up, so a principal learns nothing about
     * applications outside its scopes (403 whether they exist or not).
     */
    private Target target(Request r, String app, String profiles, String label) {
        check(Names.checkRequest(app, profiles, label));
        Principal who = r.principal();
        if (!who.mayReadApp(app)) {
            throw forbidden(who, app);
        }
        RepoConfig repo = repoOf(r, repos, app, profiles, label);
        if (!who.mayRead(app, repo.name())) {
            throw forbidden(who, app);
        }
        // an application reading a file that does not parse gets its last good commit, or 422 naming the file
        ResolvedCommit at = render(() -> commits.resolve(repo, label, app, profiles)).orElseThrow(() -> new ApiException(404,
                "label '" + (label != null ? label : commits.defaultLabel(repo)) + "' not found in repository '" + repo.name() + "'"));
        return new Target(repo, at);
    }

    /**
     * The repository serving the request, a template's made (and first synced) if need be; else 400 for
     * a name, profile or label a template cannot use, 404 when none serves it or its repository does not exist, 503
     * with {@code Retry-After} while it is being made (or a template is full).
     */
    static RepoConfig repoOf(Request r, RepoLookup repos, String app, String profiles, String label) {
        return switch (repos.forApp(app, profiles, label, true)) {
            case RepoLookup.Found f -> f.repo();
            case RepoLookup.Refused no -> {
                int status = switch (no.reason()) {
                    case BAD_NAME -> 400;
                    case NOT_SERVED, MISSING -> 404;
                    case FULL, NOT_READY -> 503;
                };
                if (no.retryAfter().isPositive()) {
                    r.exchange().getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, no.retryAfter().toSeconds())));
                }
                throw new ApiException(status, no.message());
            }
        };
    }

    static ApiException forbidden(Principal who, String app) {
        return new ApiException(403, "principal '" + who.name() + "' may not read application '" + Names.printable(app) + "'");
    }

    private static void check(Optional<String> problem) {
        problem.ifPresent(p -> {
            throw new ApiException(400, p);
        });
    }

    /**
     * A commit whose file does not parse (or is over the size bound) can be asked for by commit id
     * or an untracked label: that is the content's fault, not the server's, so 422 naming the file.
     */
    private static <T> T render(Supplier<T> work) {
        try {
            return work.get();
        } catch (RenderException e) {
            throw new ApiException(422, "cannot render " + e.problem());
        }
    }

    /** Answers 304 when If-None-Match names the ETag (or is {@code *}). */
    static boolean notModified(Request r, String etag) throws IOException {
        if (!r.ifNoneMatch(etag)) {
            return false;
        }
        r.empty(304, Map.of("ETag", etag));
        return true;
    }

    // "/a/b%2Fc/d" → [a, b/c, d]; an empty segment (double or trailing slash) is no resource
    private static List<String> segments(String rawPath) {
        String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        List<String> out = new ArrayList<>();
        for (String raw : p.split("/", -1)) {
            if (raw.isEmpty()) {
                throw new ApiException(404, "no such resource");
            }
            out.add(Router.decode(raw));
        }
        return out;
    }

    // Spring's boolean conversion of a request parameter
    private static boolean flag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new ApiException(400, "resolvePlaceholders must be true or false, got '" + Names.printable(value) + "'");
        };
    }

    private static String label(String segment) {
        return Names.decodeLabel(segment);
    }

    /** {@code {app}-{profiles}.{ext}}: the profiles follow the last '-' (profiles cannot hold one). */
    private record ViewName(String app, String profiles, View view) {
        static Optional<ViewName> parse(String segment) {
            int dot = segment.lastIndexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            View view = View.ofExtension(segment.substring(dot + 1));
            String stem = segment.substring(0, dot);
            int dash = stem.lastIndexOf('-');
            if (view == null || dash <= 0 || dash == stem.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(new ViewName(stem.substring(0, dash), stem.substring(dash + 1), view));
        }
    }
}
