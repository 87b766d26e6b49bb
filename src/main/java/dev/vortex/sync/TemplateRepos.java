package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
import dev.vortex.config.TemplateKey;
import dev.vortex.config.Urls;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The registry of the repositories templates made: a template (a repository whose URLs hold
 * {@code {application}}, {@code {profile}} or {@code {label}}) makes one repository per resolved URL on
 * the first request for it, named {@code <template>.<values>} ({@code cfg.shop}, {@code cfg.shop~dev}),
 * which from then on is synced like a configured one. A request whose repository does not exist is
 * refused and remembered for the template's {@code negative-cache}, so a stream of such requests asks
 * the git host once; a template makes at most {@code max-repos}. How a repository is made (its mirror
 * opened, its first sync run) is the {@link Maker}'s business.
 */
public final class TemplateRepos implements RepoLookup {
    private static final Log LOG = Log.of(TemplateRepos.class);

    /** Makes and drops a template's repository for an application. */
    public interface Maker {
        /** Opens its mirror and adds it to the sync engine; completes when its first sync ends. */
        CompletableFuture<FirstSync> make(RepoConfig repo);

        /** Stops syncing it and deletes its mirror (its remote does not exist). */
        void drop(RepoConfig repo);
    }

    /**
     * How a first sync ended.
     *
     * @param serves  a commit is served (or the run succeeded)
     * @param missing every URL said the repository does not exist
     * @param error   why it failed, when it did
     */
    public record FirstSync(boolean serves, boolean missing, Optional<String> error) {
        static final FirstSync RESTORED = new FirstSync(true, false, Optional.empty());
    }

    private record Made(RepoConfig repo, RepoConfig template, CompletableFuture<FirstSync> first) {
    }

    private final List<RepoConfig> configured;
    private final Maker maker;
    private final Predicate<String> serves;
    private final InstantSource clock;
    /** By resolved URLs (Spring keeps one repository per resolved URI): two keys filling them alike share one. */
    private final Map<String, Made> made = new LinkedHashMap<>();
    private final Map<String, Instant> missingUntil = new HashMap<>();
    private final Set<String> warnedFull = new HashSet<>();
    private final Metrics.Gauge count;
    private final Metrics.Counter refused;

    /**
     * @param configured every configured repository, templates among them, in configuration order
     * @param restored   repositories the templates made before (state.json, or the configuration a reload replaced), opened already
     * @param serves     whether a repository serves a commit now
     */
    public TemplateRepos(List<RepoConfig> configured, List<RepoConfig> restored, Maker maker, Predicate<String> serves,
                         InstantSource clock, Metrics metrics) {
        this.configured = List.copyOf(configured);
        this.maker = maker;
        this.serves = serves;
        this.clock = clock;
        // registered only with a template: every family has a sample from the start, each template and reason at 0
        Metrics families = configured.stream().anyMatch(RepoConfig::isTemplate) ? metrics : new Metrics();
        this.count = families.gauge("vortex_template_repos", "Repositories a template made, one per application", "template");
        this.refused = families.counter("vortex_template_refused_total",
                "Applications a template did not serve, by reason (bad_name, missing, full, not_ready)", "template", "reason");
        for (RepoConfig t : configured) {
            if (t.isTemplate()) {
                count.set(0, t.name());
                for (Reason r : List.of(Reason.BAD_NAME, Reason.MISSING, Reason.FULL, Reason.NOT_READY)) {
                    families.startAtZero("vortex_template_refused_total", t.name(), r.name().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        for (RepoConfig r : restored) {
            template(r.name()).ifPresent(t -> {
                made.put(urlKey(r), new Made(r, t, CompletableFuture.completedFuture(FirstSync.RESTORED)));
                count.add(1, t.name());
            });
        }
    }

    /**
     * The repositories templates made for the names of {@code names} (state.json's or a replaced
     * configuration's), where a template of that name still makes that repository.
     */
    public static List<RepoConfig> restorable(List<RepoConfig> configured, Collection<String> names) {
        List<RepoConfig> out = new ArrayList<>();
        for (String name : names) {
            int dot = name.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            configured.stream().filter(t -> t.isTemplate() && t.name().equals(name.substring(0, dot))).findFirst()
                    .flatMap(t -> TemplateKey.parse(t, name.substring(dot + 1))
                            .filter(k -> k.application() == null || t.servesApp(k.application())).map(t::made))
                    .ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<RepoConfig> all() {
        List<RepoConfig> all = new ArrayList<>(configured.stream().filter(r -> !r.isTemplate()).toList());
        synchronized (made) {
            made.values().forEach(m -> all.add(m.repo()));
        }
        return all;
    }

    @Override
    public Answer forApp(String app, String profiles, String label, boolean wait) {
        Answer a = lookup(app, profiles, label, wait);
        if (a instanceof Refused no && no.reason() != Reason.NOT_SERVED) { // only a template refuses with another reason
            configured.stream().filter(r -> r.servesApp(app)).findFirst()
                    .ifPresent(t -> refused.inc(t.name(), no.reason().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return a;
    }

    @Override
    public Answer check(String app, String profiles, String label) {
        return lookup(app, profiles, label, false);
    }

    // the answer, counted by none: only forApp's callers refuse with it
    private Answer lookup(String app, String profiles, String label, boolean wait) {
        for (RepoConfig r : configured) {
            if (r.servesApp(app)) {
                return r.isTemplate() ? instances(r, app, profiles, label, wait) : new Found(r);
            }
        }
        return RepoLookup.notServed(app);
    }

    @Override
    public Optional<RepoConfig> serving(String app, String profiles, String label) {
        for (RepoConfig r : configured) {
            if (r.servesApp(app)) {
                if (!r.isTemplate()) {
                    return Optional.of(r);
                }
                for (TemplateKey key : TemplateKey.candidates(r, app, profiles, label)) {
                    if (key.problem().isPresent()) {
                        return Optional.empty();
                    }
                    Made m;
                    synchronized (made) {
                        m = made.get(urlKey(r.made(key)));
                    }
                    if (m != null) {
                        boolean ready = serves.test(m.repo().name()) || m.first().isDone() && m.first().join().serves();
                        return ready ? Optional.of(m.repo()) : Optional.empty();
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The first of the request's candidate repositories that exists (Spring's order: the last profile
     * first; main, then master for a label-less request to a {@code {label}} template without
     * {@code default-label}); every value checked before any git access, the wait bounded once.
     */
    private Answer instances(RepoConfig template, String app, String profiles, String label, boolean wait) {
        List<TemplateKey> keys = TemplateKey.candidates(template, app, profiles, label);
        if (keys.isEmpty()) {
            return new Refused(Reason.BAD_NAME, "repository '" + template.name() + "' has one repository per profile; name a profile",
                    Duration.ZERO);
        }
        for (TemplateKey key : keys) {
            Optional<String> bad = key.problem();
            if (bad.isPresent()) {
                return new Refused(Reason.BAD_NAME, bad.get() + " (repository '" + template.name() + "' has one repository per "
                        + per(template) + ")", Duration.ZERO);
            }
        }
        long deadline = System.nanoTime() + template.perApp().firstSyncWait().toNanos();
        Answer last = null;
        for (TemplateKey key : keys) {
            last = instance(template, app, key, wait ? Math.max(0, deadline - System.nanoTime()) : 0);
            if (!(last instanceof Refused no && no.reason() == Reason.MISSING)) {
                return last;
            }
        }
        return keys.size() == 1 ? last : missing(template, app, new TemplateKey(null, profiles, label));
    }

    private Answer instance(RepoConfig template, String app, TemplateKey key, long waitNanos) {
        RepoConfig repo = template.made(key);
        String url = urlKey(repo);
        Made m;
        boolean start = false;
        synchronized (made) {
            m = made.get(url);
            if (m == null) {
                Instant until = missingUntil.get(url);
                if (until != null && clock.instant().isBefore(until)) {
                    return missing(template, app, key);
                }
                missingUntil.remove(url);
                long n = made.values().stream().filter(x -> x.template().name().equals(template.name())).count();
                if (n >= template.perApp().maxRepos()) {
                    if (warnedFull.add(template.name())) {
                        LOG.warn("template made max-repos repositories, further ones are refused", "template", template.name(),
                                "max_repos", template.perApp().maxRepos(), "repo", repo.name());
                    }
                    return new Refused(Reason.FULL, "repository '" + template.name() + "' made max-repos ("
                            + template.perApp().maxRepos() + ") repositories already; application '" + app + "'"
                            + of(key) + " is not served", Duration.ofMinutes(1));
                }
                m = new Made(repo, template, new CompletableFuture<>());
                made.put(url, m);
                count.add(1, template.name());
                start = true;
            }
        }
        String name = m.repo().name();
        if (start) {
            Made making = m; // opening a mirror takes time too: the bound covers it, so the request does not make it
            Thread.ofVirtual().name("vortex-make-" + name).start(() -> make(making));
        }
        if (serves.test(name)) {
            return new Found(m.repo()); // its first sync published a commit (its run may not have ended yet)
        }
        Duration bound = template.perApp().firstSyncWait();
        FirstSync first;
        try {
            first = m.first().isDone() ? m.first().join() : m.first().get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Refused(Reason.NOT_READY, "the repository of application '" + app + "'" + of(key)
                    + " is being fetched for the first time; ask again shortly", retryAfter(bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Refused(Reason.NOT_READY, "interrupted while waiting for the first sync", retryAfter(bound));
        } catch (ExecutionException e) {
            throw new IllegalStateException("first sync of " + name, e.getCause());
        }
        if (first.missing()) {
            return missing(template, app, key);
        }
        if (first.serves() || serves.test(name)) {
            return new Found(m.repo());
        }
        return new Refused(Reason.NOT_READY, "the repository of application '" + app + "'" + of(key) + " serves nothing yet"
                + first.error().map(err -> " (last sync: " + err + ")").orElse(""), retryAfter(bound));
    }

    /** On a virtual thread of its own, so a request waiting for a first sync blocks nobody. */
    @Override
    public CompletableFuture<Answer> whenServed(String app, String profiles, String label) {
        return CompletableFuture.supplyAsync(() -> lookup(app, profiles, label, true),
                r -> Thread.ofVirtual().name("vortex-wait-" + app).start(r));
    }

    private void make(Made m) {
        LOG.info("making the repository of an application", "template", m.template().name(), "repo", m.repo().name(),
                "url", Urls.redact(m.repo().primaryUrl()));
        CompletableFuture<FirstSync> first;
        try {
            first = maker.make(m.repo());
        } catch (RuntimeException e) {
            first = CompletableFuture.failedFuture(e);
        }
        first.whenComplete((result, error) -> {
            if (error != null) {
                LOG.error("repository of an application cannot be made", error, "repo", m.repo().name());
                forget(m, null);
                m.first().complete(new FirstSync(false, false, Optional.of("cannot be made: " + error.getMessage())));
            } else if (result.missing()) {
                LOG.info("no repository for the application at the git host; remembered", "repo", m.repo().name(),
                        "url", Urls.redact(m.repo().primaryUrl()), "for_ms", m.template().perApp().negativeCache().toMillis());
                forget(m, clock.instant().plus(m.template().perApp().negativeCache()));
                maker.drop(m.repo());
                m.first().complete(result);
            } else {
                m.first().complete(result);
            }
        });
    }

    /** Drops a made repository; {@code missingUntil} non-null remembers that its remote does not exist. */
    private void forget(Made m, Instant missingUntilThen) {
        String url = urlKey(m.repo());
        synchronized (made) {
            if (made.remove(url, m)) {
                count.add(-1, m.template().name());
            }
            if (missingUntilThen != null) {
                missingUntil.put(url, missingUntilThen);
            }
        }
    }

    private Optional<RepoConfig> template(String name) {
        int dot = name.indexOf('.');
        return dot <= 0 ? Optional.empty()
                : configured.stream().filter(t -> t.isTemplate() && t.name().equals(name.substring(0, dot))).findFirst();
    }

    private Refused missing(RepoConfig template, String app, TemplateKey key) {
        return new Refused(Reason.MISSING, "application '" + app + "'" + of(key) + " has no repository (repository '"
                + template.name() + "' has one per " + per(template) + "; none exists at the git host for this one)", Duration.ZERO);
    }

    // " (profile 'dev', label 'main')", or nothing for an application-only key
    private static String of(TemplateKey key) {
        String d = key.describe();
        return d.isEmpty() ? "" : " (" + d + ")";
    }

    // "application", "application and profile", "profile and label", ...
    private static String per(RepoConfig template) {
        List<String> words = template.placeholders().stream().map(p -> p.substring(1, p.length() - 1)).toList();
        return words.size() == 1 ? words.get(0) : String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.getLast();
    }

    private static String urlKey(RepoConfig made) {
        return String.join("\n", made.urls());
    }

    private static Duration retryAfter(Duration bound) {
        return bound.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : bound;
    }
}
