package dev.vortex.sync;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.RepoLookup;
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
 * {@code {application}}) makes one repository per application on the first request for it, named
 * {@code <template>.<app>}, which from then on is synced like a configured one. An application whose
 * repository does not exist is refused and remembered for the template's {@code negative-cache}, so a
 * stream of requests for it asks the git host once; a template makes at most {@code max-repos}.
 * How a repository is made (its mirror opened, its first sync run) is the {@link Maker}'s business.
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
                made.put(r.name(), new Made(r, t, CompletableFuture.completedFuture(FirstSync.RESTORED)));
                count.add(1, t.name());
            });
        }
    }

    /**
     * The repositories {@code templates} made for the applications of {@code names} (state.json's or a
     * replaced configuration's), where a template of that name still serves that application.
     */
    public static List<RepoConfig> restorable(List<RepoConfig> configured, Collection<String> names) {
        List<RepoConfig> out = new ArrayList<>();
        for (String name : names) {
            int dot = name.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            String app = name.substring(dot + 1);
            configured.stream().filter(t -> t.isTemplate() && t.name().equals(name.substring(0, dot))).findFirst()
                    .filter(t -> t.servesApp(app) && Names.checkTemplateApp(app).isEmpty())
                    .ifPresent(t -> out.add(t.forApp(app)));
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
    public Answer forApp(String app, boolean wait) {
        for (RepoConfig r : configured) {
            if (r.servesApp(app)) {
                return r.isTemplate() ? instance(r, app, wait) : new Found(r);
            }
        }
        return RepoLookup.notServed(app);
    }

    @Override
    public Optional<RepoConfig> serving(String app) {
        for (RepoConfig r : configured) {
            if (r.servesApp(app)) {
                if (!r.isTemplate()) {
                    return Optional.of(r);
                }
                Made m;
                synchronized (made) {
                    m = made.get(RepoConfig.instanceName(r.name(), app));
                }
                boolean ready = m != null && (serves.test(m.repo().name()) || m.first().isDone() && m.first().join().serves());
                return ready ? Optional.of(m.repo()) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private Answer instance(RepoConfig template, String app, boolean wait) {
        Optional<String> bad = Names.checkTemplateApp(app);
        if (bad.isPresent()) {
            return refuse(template, Reason.BAD_NAME, bad.get() + " (repository '" + template.name() + "' has one repository per application)",
                    Duration.ZERO);
        }
        String name = RepoConfig.instanceName(template.name(), app);
        Made m;
        boolean start = false;
        synchronized (made) {
            m = made.get(name);
            if (m == null) {
                Instant until = missingUntil.get(name);
                if (until != null && clock.instant().isBefore(until)) {
                    return missing(template, app);
                }
                missingUntil.remove(name);
                long n = made.values().stream().filter(x -> x.template().name().equals(template.name())).count();
                if (n >= template.perApp().maxRepos()) {
                    if (warnedFull.add(template.name())) {
                        LOG.warn("template made max-repos repositories, further applications are refused", "template", template.name(),
                                "max_repos", template.perApp().maxRepos(), "app", app);
                    }
                    return refuse(template, Reason.FULL, "repository '" + template.name() + "' serves max-repos ("
                            + template.perApp().maxRepos() + ") applications already; application '" + app + "' is not served",
                            Duration.ofMinutes(1));
                }
                m = new Made(template.forApp(app), template, new CompletableFuture<>());
                made.put(name, m);
                count.add(1, template.name());
                start = true;
            }
        }
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
            first = m.first().isDone() ? m.first().join() : m.first().get(wait ? bound.toNanos() : 0, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return refuse(template, Reason.NOT_READY, "the repository of application '" + app + "' is being fetched for the first time;"
                    + " ask again shortly", retryAfter(bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refuse(template, Reason.NOT_READY, "interrupted while waiting for the first sync", retryAfter(bound));
        } catch (ExecutionException e) {
            throw new IllegalStateException("first sync of " + name, e.getCause());
        }
        if (first.missing()) {
            return missing(template, app);
        }
        if (first.serves() || serves.test(name)) {
            return new Found(m.repo());
        }
        return refuse(template, Reason.NOT_READY, "the repository of application '" + app + "' serves nothing yet"
                + first.error().map(err -> " (last sync: " + err + ")").orElse(""), retryAfter(bound));
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
        synchronized (made) {
            if (made.remove(m.repo().name(), m)) {
                count.add(-1, m.template().name());
            }
            if (missingUntilThen != null) {
                missingUntil.put(m.repo().name(), missingUntilThen);
            }
        }
    }

    private Optional<RepoConfig> template(String name) {
        int dot = name.indexOf('.');
        return dot <= 0 ? Optional.empty()
                : configured.stream().filter(t -> t.isTemplate() && t.name().equals(name.substring(0, dot))).findFirst();
    }

    private Refused missing(RepoConfig template, String app) {
        return refuse(template, Reason.MISSING, "application '" + app + "' has no repository (repository '" + template.name()
                + "' has one per application; none exists at the git host for this one)", Duration.ZERO);
    }

    private Refused refuse(RepoConfig template, Reason reason, String message, Duration retryAfter) {
        refused.inc(template.name(), reason.name().toLowerCase(java.util.Locale.ROOT));
        return new Refused(reason, message, retryAfter);
    }

    private static Duration retryAfter(Duration bound) {
        return bound.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : bound;
    }
}
