package dev.vortex.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which repository serves an application, or has a name: the configured repositories, and the
 * repositories templates (URLs holding {@code {application}}, {@code {profile}} or {@code {label}}) made for requests. Made for the
 * serving side (REST, WebSocket, webhooks), which must not know how a template's repository comes
 * to be; {@link #fixed} is the lookup of a set that never grows.
 */
public interface RepoLookup {

    /** Every repository served now: the configured ones except templates, then those templates made, in the order made. */
    List<RepoConfig> all();

    default Optional<RepoConfig> named(String name) {
        return all().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * The repository serving {@code app} with {@code profiles} (a comma list) at {@code label} (null:
     * none named): the first configured one whose {@code apps} patterns match; for a template, its
     * repository for the request's values (see {@link TemplateKey#candidates}), made and first synced
     * if need be, waiting up to the template's {@code first-sync-wait} when {@code wait} is true.
     * For a request that is answered with it: a refusal is counted ({@code vortex_template_refused_total}).
     */
    Answer forApp(String app, String profiles, String label, boolean wait);

    /**
     * {@link #forApp(String, String, String, boolean) forApp(…, false)} for a caller that only looks
     * (the WebSocket hub deciding whether to wait for a first sync): a refusal it sees is not counted,
     * as nothing was refused yet.
     */
    default Answer check(String app, String profiles, String label) {
        return forApp(app, profiles, label, false);
    }

    /** {@link #forApp(String, String, String, boolean)} naming no profile or label: a template that needs one does not serve it. */
    default Answer forApp(String app, boolean wait) {
        return forApp(app, null, null, wait);
    }

    /**
     * The repository serving the request now, without making one: empty where a template has not made
     * it (or it serves nothing yet).
     */
    Optional<RepoConfig> serving(String app, String profiles, String label);

    /**
     * Completes with {@link #forApp(String, String, String, boolean) forApp(…, true)}'s answer, found
     * off the caller's thread: for a caller that must not block, such as the WebSocket hub (not counted:
     * the caller asks again, counted, when it refuses).
     */
    default java.util.concurrent.CompletableFuture<Answer> whenServed(String app, String profiles, String label) {
        return java.util.concurrent.CompletableFuture.completedFuture(forApp(app, profiles, label, false));
    }

    /** {@link #serving(String, String, String)} naming no profile or label. */
    default Optional<RepoConfig> serving(String app) {
        return serving(app, null, null);
    }

    /** What {@link #forApp} found. */
    sealed interface Answer {
    }

    /** {@code repo} serves the application. */
    record Found(RepoConfig repo) implements Answer {
    }

    /**
     * No repository serves the application now, and why.
     *
     * @param retryAfter when asking again may succeed; zero when it will not by itself
     */
    record Refused(Reason reason, String message, Duration retryAfter) implements Answer {
    }

    /** Why an application is refused; the serving side turns each into its status (400, 404, 503). */
    enum Reason {
        /** The name (or profile, or label) cannot go into a template's URL, or the template needs a profile the request lacks. */
        BAD_NAME,
        /** No configured repository's {@code apps} patterns match. */
        NOT_SERVED,
        /** The template's repository for the application does not exist at the git host (remembered a while). */
        MISSING,
        /** The template made {@code max-repos} repositories already. */
        FULL,
        /** The first sync has not ended in time, or failed and is retried. */
        NOT_READY
    }

    /** A lookup over {@code repos} that never grows: templates among them serve nothing. */
    static RepoLookup fixed(List<RepoConfig> repos) {
        List<RepoConfig> copy = List.copyOf(repos);
        return new RepoLookup() {
            @Override
            public List<RepoConfig> all() {
                return copy.stream().filter(r -> !r.isTemplate()).toList();
            }

            @Override
            public Answer forApp(String app, String profiles, String label, boolean wait) {
                return serving(app).<Answer>map(Found::new).orElseGet(() -> notServed(app));
            }

            @Override
            public Optional<RepoConfig> serving(String app, String profiles, String label) {
                return RepoConfig.serving(all(), app);
            }
        };
    }

    static Refused notServed(String app) {
        return new Refused(Reason.NOT_SERVED, "no repository serves application '" + Names.printable(app) + "'", Duration.ZERO);
    }
}
