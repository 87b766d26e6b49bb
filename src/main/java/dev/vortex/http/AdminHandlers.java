package dev.vortex.http;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import dev.vortex.config.Values;
import dev.vortex.ops.PushTimeline;
import dev.vortex.render.CipherFailure;
import dev.vortex.state.RepoStatus;
import dev.vortex.sync.FullReloadStats;
import dev.vortex.sync.RepoReport;
import dev.vortex.sync.SyncEngine;
import dev.vortex.sync.SyncResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The admin API: repository status ({@code GET /api/v1/repos}, {@code GET /api/v1/repos/{name}}) and
 * refresh triggers ({@code POST /api/v1/refresh}, {@code POST /api/v1/repos/{name}/refresh}), which
 * answer 202 at once, or with {@code ?wait=30s} the run's result when it ends (504 if it does not end
 * in time; the run goes on). Bearer tokens are checked by a filter in front of the router.
 */
public final class AdminHandlers {
    /** The longest {@code ?wait} accepted: a caller wanting more should poll the status. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final SyncEngine engine;
    private final Function<String, List<CipherFailure>> cipherFailures;
    private final Peers peers;

    /** The other replicas: told about every refresh asked here, and asked which repositories are stale. */
    public interface Peers {
        Peers NONE = new Peers() {
            @Override
            public void refreshed(String repo) {
            }

            @Override
            public Map<String, List<String>> stale() {
                return Map.of();
            }
        };

        void refreshed(String repo);

        /** Repository → why it is stale (served, but behind). */
        Map<String, List<String>> stale();
    }

    public AdminHandlers(SyncEngine engine) {
        this(engine, repo -> List.of(), Peers.NONE);
    }

    /** @param cipherFailures per repository, the {@code {cipher}} values rendered so far that could not be decrypted */
    public AdminHandlers(SyncEngine engine, Function<String, List<CipherFailure>> cipherFailures, Peers peers) {
        this.engine = engine;
        this.cipherFailures = cipherFailures;
        this.peers = peers;
    }

    /** Name → configuration of every repository synced now (a template's repositories join as they are made). */
    private Map<String, RepoConfig> repos() {
        Map<String, RepoConfig> repos = new LinkedHashMap<>();
        engine.repos().forEach(r -> repos.put(r.name(), r));
        return repos;
    }

    public void register(Router router) {
        router.get("/api/v1/repos", this::list);
        router.get("/api/v1/repos/{name}", this::one);
        router.post("/api/v1/refresh", this::refreshAll);
        router.post("/api/v1/repos/{name}/refresh", this::refreshOne);
    }

    private void list(Request r) throws Exception {
        List<Map<String, Object>> all = new ArrayList<>();
        List<RepoReport> reports = engine.status();
        Map<String, RepoConfig> repos = repos(); // after the reports: a repository made meanwhile is in both
        Map<String, List<String>> stale = peers.stale();
        reports.stream().filter(report -> repos.containsKey(report.repo()))
                .forEach(report -> all.add(entry(repos.get(report.repo()), report, cipherFailures.apply(report.repo()), stale)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repos", all);
        body.put("full_reload", fullReloadJson(engine.fullReloadStats()));
        r.json(200, body);
    }

    private void one(Request r) throws Exception {
        String name = r.param("name");
        RepoReport report = engine.status(name).orElseThrow(() -> unknown(name));
        Map<String, Object> body = entry(repos().get(name), report, cipherFailures.apply(name), peers.stale());
        body.put("full_reload", fullReloadJson(engine.fullReloadStats()));
        r.json(200, body);
    }

    private void refreshOne(Request r) throws Exception {
        String name = r.param("name");
        if (!repos().containsKey(name)) {
            throw unknown(name);
        }
        Optional<Duration> wait = waitOf(r);
        CompletableFuture<SyncResult> run = engine.trigger(name, "api", Set.of());
        peers.refreshed(name);
        if (wait.isEmpty()) {
            r.json(202, Map.of("accepted", List.of(name)));
            return;
        }
        r.json(200, resultJson(await(run, wait.get())));
        PushTimeline.mark(name, "answered");
    }

    private void refreshAll(Request r) throws Exception {
        Optional<Duration> wait = waitOf(r);
        long start = System.nanoTime();
        Map<String, CompletableFuture<SyncResult>> runs = engine.triggerAll("api");
        runs.keySet().forEach(peers::refreshed);
        if (wait.isEmpty()) {
            r.json(202, Map.of("accepted", List.copyOf(runs.keySet())));
            return;
        }
        await(CompletableFuture.allOf(runs.values().toArray(CompletableFuture[]::new)), wait.get());
        boolean changed = false;
        Map<String, Object> perRepo = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<SyncResult>> e : runs.entrySet()) {
            SyncResult result = e.getValue().join();
            changed |= result.changed();
            perRepo.put(e.getKey(), resultJson(result));
            result.error().ifPresent(msg -> errors.add(e.getKey() + ": " + msg));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        // per repository exactly the answer of its own refresh; the top level sums them up
        body.put("changed", changed);
        body.put("duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        body.put("error", errors.isEmpty() ? null : String.join("; ", errors));
        body.put("repos", perRepo);
        r.json(200, body);
    }

    /** {@code ?wait=30s}: empty when absent; 400 when it is not a duration from 1 ms to {@link #MAX_WAIT}. */
    private static Optional<Duration> waitOf(Request r) {
        Optional<String> raw = r.query("wait");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = Values.duration(raw.get());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "wait: " + e.getMessage());
        }
        if (d.isZero() || d.compareTo(MAX_WAIT) > 0) {
            throw new ApiException(400, "wait: \"" + raw.get() + "\" must be more than 0 and at most 5m");
        }
        return Optional.of(d);
    }

    /** One repository as the status API (and so the status page) shows it: its report, its undecryptable values, whether it is stale. */
    static Map<String, Object> entry(RepoConfig config, RepoReport report, List<CipherFailure> cipherFailures,
                                     Map<String, List<String>> stale) {
        return withStale(withCipherFailures(repoJson(config, report), report, cipherFailures), stale);
    }

    /** {@code stale}: served but behind (see {@code /ready}); {@code stale_reasons} says why. */
    private static Map<String, Object> withStale(Map<String, Object> repo, Map<String, List<String>> stale) {
        List<String> why = stale.getOrDefault((String) repo.get("name"), List.of());
        repo.put("stale", !why.isEmpty());
        repo.put("stale_reasons", why);
        return repo;
    }

    private static <T> T await(CompletableFuture<T> run, Duration wait) throws InterruptedException {
        try {
            return run.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(504, "the sync did not end within " + wait.toMillis() + " ms; it goes on, see GET /api/v1/repos");
        } catch (ExecutionException e) {
            throw new IllegalStateException("sync result failed", e.getCause());
        }
    }

    private static ApiException unknown(String name) {
        return new ApiException(404, "no repository named \"" + Names.printable(name) + "\"");
    }

    /** {@code {"changed","commits","duration_ms","error"}} of one run. */
    static Map<String, Object> resultJson(SyncResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("changed", result.changed());
        body.put("commits", result.commits());
        body.put("duration_ms", result.durationMs());
        body.put("error", result.error().orElse(null));
        return body;
    }

    /** One repository as the status API shows it (the status page uses the same shape). */
    public static Map<String, Object> repoJson(RepoConfig config, RepoReport report) {
        RepoStatus s = report.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", report.repo());
        m.put("urls", config.urls().stream().map(Urls::redact).toList());
        m.put("default_label", report.defaultLabel());
        m.put("default_label_configured", config.defaultLabel().isPresent());
        m.put("proxy", config.access().proxy().map(Object::toString).orElse(null));
        m.put("warnings", config.access().warnings());
        m.put("commits", report.commits());
        m.put("last_refresh", s.lastRefresh().map(f -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("time", time(f.at()));
            x.put("duration_ms", f.durationMs());
            x.put("result", f.result());
            x.put("changed", f.changed());
            x.put("trigger", f.trigger());
            return x;
        }).orElse(null));
        m.put("last_success", s.lastSuccess().map(AdminHandlers::time).orElse(null));
        m.put("last_error", s.lastError().map(e -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("time", time(e.at()));
            x.put("message", e.message());
            x.put("url", e.url().orElse(null));
            return x;
        }).orElse(null));
        m.put("attempts", report.attemptCount());
        m.put("next_attempt", report.nextAttempt().map(AdminHandlers::time).orElse(null));
        m.put("in_progress", report.inProgress());
        m.put("want_commits", report.wantCommits().stream().sorted().toList());
        m.put("runs", Map.of("ok", s.runsOk(), "failed", s.runsFailed()));
        m.put("mirrors", s.mirrors().stream().map(mirror -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("url", mirror.url());
            x.put("transport", Urls.transport(mirror.url()));
            x.put("result", mirror.result());
            x.put("time", mirror.at().map(AdminHandlers::time).orElse(null));
            x.put("error", mirror.error().orElse(null));
            x.put("new_commits", mirror.newCommits());
            return x;
        }).toList());
        m.put("problems", s.problems().stream().map(p -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("label", p.label());
            x.put("commit", p.commit());
            x.put("problem", p.problem());
            x.put("time", time(p.at()));
            p.file().ifPresent(f -> {
                x.put("file", f.path());
                x.put("line", f.line());
                x.put("held", f.apps());
                x.put("kept", p.kept().orElse(null));
            });
            return x;
        }).toList());
        return m;
    }

    /**
     * {@code cipher_failures}: the values that could not be decrypted in a commit served now, each
     * file, key, the labels serving that commit and why — never the value.
     */
    private static Map<String, Object> withCipherFailures(Map<String, Object> repo, RepoReport report, List<CipherFailure> failures) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CipherFailure f : failures) {
            List<String> labels = report.commits().entrySet().stream().filter(e -> e.getValue().equals(f.commit())).map(Map.Entry::getKey).toList();
            if (labels.isEmpty()) {
                continue; // a commit no longer served: whatever was wrong there is gone
            }
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("file", f.file());
            x.put("key", f.key());
            x.put("labels", labels);
            x.put("commit", f.commit());
            x.put("reason", f.reason());
            out.add(x);
        }
        repo.put("cipher_failures", out);
        return repo;
    }

    static Map<String, Object> fullReloadJson(FullReloadStats stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", stats.count());
        m.put("last", stats.lastAt().map(AdminHandlers::time).orElse(null));
        m.put("duration_ms", stats.lastDurationMs());
        m.put("repos", stats.repos());
        m.put("labels_changed", stats.labelsChanged());
        m.put("problems", stats.problems());
        m.put("errors", stats.errors());
        m.put("next", stats.nextAt().map(AdminHandlers::time).orElse(null));
        return m;
    }

    private static String time(Instant t) {
        return t.toString();
    }
}
