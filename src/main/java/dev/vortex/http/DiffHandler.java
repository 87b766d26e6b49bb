package dev.vortex.http;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
import dev.vortex.render.CommitSource;
import dev.vortex.render.RenderException;
import dev.vortex.render.Renderer;
import dev.vortex.render.ResolvedCommit;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/v1/repos/{name}/diff?from=C1&to=C2&app=A[&profile=P]}: the RFC 6902 patch
 * turning the effective configuration of (A, P) at C1 into the one at C2. {@code from} and
 * {@code to} are commit ids, branches or tags the mirror has; {@code profile} defaults to
 * {@code default}. 400 for a missing or malformed parameter, 404 for an unknown repository or commit.
 */
public final class DiffHandler {
    private final RepoLookup repos;
    private final CommitSource commits;
    private final Renderer renderer;

    public DiffHandler(List<RepoConfig> repos, CommitSource commits, Renderer renderer) {
        this(RepoLookup.fixed(repos), commits, renderer);
    }

    /** Over the repositories served now, those templates made included. */
    public DiffHandler(RepoLookup repos, CommitSource commits, Renderer renderer) {
        this.repos = repos;
        this.commits = commits;
        this.renderer = renderer;
    }

    public void register(Router router) {
        router.get("/api/v1/repos/{name}/diff", this::diff);
    }

    void diff(Request r) throws IOException {
        String name = r.param("name");
        RepoConfig repo = repos.named(name).orElseThrow(() -> new ApiException(404, "no repository '" + Names.printable(name) + "'"));
        String from = Names.decodeLabel(required(r, "from"));
        String to = Names.decodeLabel(required(r, "to"));
        String app = required(r, "app");
        String profile = r.query("profile").filter(p -> !p.isEmpty()).orElse("default");
        check(Names.checkPart("from", from, true));
        check(Names.checkPart("to", to, true));
        check(Names.checkPart("application", app, false));
        check(Names.checkPart("profile", profile, false));
        for (String p : profile.split(",", -1)) {
            check(Names.checkPart("profile", p.trim(), false));
        }
        if (!r.principal().mayRead(app, repo.name())) {
            throw ConfigHandler.forbidden(r.principal(), app); // the diff shows values, decrypted ones too
        }
        ResolvedCommit a = commit(repo, from);
        ResolvedCommit b = commit(repo, to);
        try {
            r.json(200, renderer.diff(repo, a, b, app, profile, null));
        } catch (RenderException e) {
            throw new ApiException(422, "configuration does not parse: " + e.problem());
        }
    }

    private ResolvedCommit commit(RepoConfig repo, String rev) {
        return commits.resolve(repo, rev).orElseThrow(() -> new ApiException(404,
                "commit '" + Names.printable(rev) + "' not found in repository '" + repo.name() + "'"));
    }

    private static String required(Request r, String param) {
        return r.query(param).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new ApiException(400, "query parameter '" + param + "' is required"));
    }

    private static void check(Optional<String> problem) {
        problem.ifPresent(p -> {
            throw new ApiException(400, p);
        });
    }
}
