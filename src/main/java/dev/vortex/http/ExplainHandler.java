package dev.vortex.http;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
import dev.vortex.render.CommitSource;
import dev.vortex.render.Definition;
import dev.vortex.render.RenderException;
import dev.vortex.render.Renderer;
import dev.vortex.render.ResolvedCommit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/explain?app=A&profile=P[&label=L]&key=K}: every property source of (A, P, L)
 * that defines K, highest precedence first, each with its file, document, {@code line:column} and
 * value, the one served marked {@code "wins":true}, and the effective value. Without {@code key}:
 * every effective key with the value served and where it comes from (the status page's explorer).
 * The repository is the one serving A, as for the Spring paths; {@code profile} defaults to
 * {@code default}, {@code label} to the repository's. 400 for a missing or malformed parameter,
 * 404 for an unknown application or label, 422 when a file it reads does not parse.
 */
public final class ExplainHandler {
    private static final int MAX_KEY = 1000;

    private final RepoLookup repos;
    private final CommitSource commits;
    private final Renderer renderer;

    public ExplainHandler(List<RepoConfig> repos, CommitSource commits, Renderer renderer) {
        this(RepoLookup.fixed(repos), commits, renderer);
    }

    public ExplainHandler(RepoLookup repos, CommitSource commits, Renderer renderer) {
        this.repos = repos;
        this.commits = commits;
        this.renderer = renderer;
    }

    public void register(Router router) {
        router.get("/api/v1/explain", this::explain);
    }

    void explain(Request r) throws IOException {
        String app = r.query("app").filter(v -> !v.isEmpty())
                .orElseThrow(() -> new ApiException(400, "query parameter 'app' is required"));
        String profiles = r.query("profile").filter(p -> !p.isEmpty()).orElse("default");
        String label = r.query("label").filter(l -> !l.isEmpty()).map(Names::decodeLabel).orElse(null);
        Optional<String> key = r.query("key");
        Names.checkRequest(app, profiles, label).ifPresent(p -> {
            throw new ApiException(400, p);
        });
        if (key.isPresent() && (key.get().isEmpty() || key.get().length() > MAX_KEY)) {
            throw new ApiException(400, "query parameter 'key' must have 1 to " + MAX_KEY + " characters");
        }
        RepoConfig repo = ConfigHandler.repoOf(r, repos, app, profiles, label);
        ResolvedCommit at = commits.resolve(repo, label).orElseThrow(() -> new ApiException(404,
                "label '" + (label != null ? label : commits.defaultLabel(repo)) + "' not found in repository '"
                        + repo.name() + "'"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repo", repo.name());
        body.put("application", app);
        body.put("profiles", profiles);
        body.put("label", label != null ? label : at.label() != null ? at.label() : commits.defaultLabel(repo));
        body.put("commit", at.commit().name());
        try {
            if (key.isPresent()) {
                List<Definition> defs = renderer.definitions(repo, at, app, profiles, label, key.get());
                body.put("key", key.get());
                body.put("value", renderer.effective(repo, at, app, profiles, label).get(key.get()));
                body.put("sources", defs.stream().map(d -> json(d, true)).toList());
            } else {
                List<Map<String, Object>> keys = new ArrayList<>();
                renderer.effectiveWithOrigins(repo, at, app, profiles, label).forEach(d -> keys.add(json(d, false)));
                body.put("keys", keys);
            }
        } catch (RenderException e) {
            throw new ApiException(422, "cannot render " + e.problem());
        }
        r.json(200, body);
    }

    private static Map<String, Object> json(Definition d, boolean withWins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", d.key());
        m.put("value", d.value());
        m.put("source", d.source());
        m.put("file", d.file());
        m.put("document", d.document() < 0 ? null : d.document());
        m.put("origin", d.origin() == null ? null : d.origin().toString());
        if (withWins) {
            m.put("wins", d.wins());
        }
        return m;
    }
}
