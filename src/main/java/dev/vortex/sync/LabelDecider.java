package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.state.BrokenFile;
import dev.vortex.state.Holdback;
import dev.vortex.state.RepoStatus.Problem;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Which commit each tracked label serves. The primary URL decides when it was reached (force-pushes
 * and deletions included); otherwise a label moves only to a commit that fast-forwards the one it
 * serves, so a lagging or diverged mirror never moves it. Every new commit passes the
 * {@link CommitCheck} first: one the check fails on (an exception) leaves the label at its last
 * good commit; one with files that do not parse moves the label, and a {@link Holdback} keeps the
 * previous commits for the applications that read those files.
 */
final class LabelDecider {
    private static final Log LOG = Log.of(LabelDecider.class);
    // the applications of one broken file named in its metric series (the status lists them all)
    private static final int APPS_IN_METRIC = 10;

    private final CommitCheck check;
    private final Metrics.Counter refusals;
    private final Metrics.Gauge unparseable;
    /** Per repository, what its last decision's checks found, so a commit is not re-checked and re-logged every run. */
    private final Map<String, Map<String, Checked>> memo = new ConcurrentHashMap<>();
    /** Per repository, the series of {@code vortex_config_unparseable} it set last. */
    private final Map<String, List<String[]>> series = new ConcurrentHashMap<>();

    /**
     * Label → commit to serve, the problems found, label → holdback for labels serving broken files, the
     * default label chosen, and label → the commit it served before for each label the primary moved
     * ({@link #warnRewrites} looks at those once the move is published).
     */
    record Decision(Map<String, String> commits, List<Problem> problems, Map<String, Holdback> holdbacks,
                    DefaultLabelChoice defaultLabel, Map<String, String> movedFrom) {
    }

    /** What checking one commit found: its broken files, or why the check failed (null when it ran). */
    private record Checked(List<BrokenFile> broken, String error) {
    }

    LabelDecider(CommitCheck check, Metrics metrics) {
        this.check = check;
        this.refusals = metrics.counter("vortex_commit_refused_total",
                "New commits the commit check failed on (the label kept its last good commit)", "repo");
        this.unparseable = metrics.gauge("vortex_config_unparseable",
                "1 per configuration file of a served commit that does not parse; held names the applications "
                        + "that stay on their last good commit (* for all)", "repo", "label", "file", "line", "held");
    }

    /**
     * Takes what an earlier process's check found in {@code commit} (state.json) as this process's
     * own: the restored commit is served without checking every file again.
     */
    void trust(String repo, String commit, List<BrokenFile> broken) {
        memo.compute(repo, (r, known) -> {
            Map<String, Checked> next = known == null ? new HashMap<>() : new HashMap<>(known);
            next.put(commit, new Checked(List.copyOf(broken), null));
            return Map.copyOf(next);
        });
    }

    /** The primary was reached in this run: every tracked label follows it. */
    Decision followPrimary(RepoConfig repo, Map<String, String> served, Map<String, Holdback> held, Fetcher f, Instant now)
            throws IOException {
        DefaultLabelChoice choice = DefaultLabelChoice.of(repo, List.of(repo.primaryUrl()), f);
        Round round = new Round(repo, f, now, false, choice);
        Map<String, String> next = new TreeMap<>();
        Map<String, String> primary = f.labels(repo.primaryUrl());
        for (Map.Entry<String, String> e : primary.entrySet()) {
            String label = e.getKey();
            String commit = e.getValue();
            String old = served.get(label);
            if (!round.tracks(label)) {
                continue;
            }
            if (commit.equals(old)) {
                next.put(label, old);
                continue;
            }
            if (round.accept(label, commit, old)) {
                if (old != null) {
                    round.movedFrom.put(label, old);
                }
                next.put(label, commit);
            } else if (old != null) {
                next.put(label, old);
            }
        }
        served.keySet().stream().filter(l -> !next.containsKey(l) && !primary.containsKey(l) && round.tracks(l))
                .forEach(l -> LOG.info("label gone from the primary, no longer served", "repo", repo.name(), "label", l));
        return round.finish(next, served, held);
    }

    /**
     * Warns about each label {@link #followPrimary} moved to a commit that does not descend from the
     * one it served (the primary's history was rewritten: a force-push). Called after the move is
     * published, so the ancestry walk is not on the push's path; a failure to walk is logged.
     */
    void warnRewrites(RepoConfig repo, Decision d, Fetcher f) {
        d.movedFrom().forEach((label, old) -> {
            String now = d.commits().get(label);
            try {
                if (now != null && !f.isAncestor(old, now)) {
                    LOG.warn("primary rewrote label history, following it", "repo", repo.name(), "label", label, "from", old, "to", now);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not tell whether the primary rewrote label history", "repo", repo.name(), "label", label,
                        "from", old, "to", now, "error", e.getMessage());
            }
        });
    }

    /**
     * The primary was not reached (or nothing was fetched: start, full reload): labels move only
     * forward, to what {@code urls} report, in order. With {@code recheck} every served commit is
     * checked again (a full reload re-renders everything). The default label is chosen from every
     * URL's last fetch, primary first.
     */
    Decision fastForward(RepoConfig repo, Map<String, String> served, Map<String, Holdback> held, List<String> urls,
                         Fetcher f, boolean recheck, Instant now) throws IOException {
        Round round = new Round(repo, f, now, recheck, DefaultLabelChoice.of(repo, repo.urls(), f));
        Map<String, String> next = new TreeMap<>();
        served.forEach((label, commit) -> {
            if (round.tracks(label)) {
                next.put(label, commit);
            }
        });
        for (String url : urls) {
            for (Map.Entry<String, String> e : f.labels(url).entrySet()) {
                String label = e.getKey();
                String commit = e.getValue();
                String current = next.get(label);
                if (!round.tracks(label) || commit.equals(current)) {
                    continue;
                }
                if (current == null || f.isAncestor(current, commit)) {
                    if (round.accept(label, commit, current)) {
                        next.put(label, commit);
                    }
                } else {
                    LOG.debug("mirror does not fast-forward the served commit, ignored", "repo", repo.name(), "label", label,
                            "served", current, "mirror_commit", commit);
                }
            }
        }
        return round.finish(next, served, held);
    }

    /** The checks of one decision: each commit checked at most once. */
    private final class Round {
        private final RepoConfig repo;
        private final Fetcher f;
        private final Instant now;
        private final boolean fresh;
        private final DefaultLabelChoice choice;
        private final Map<String, Checked> checked = new HashMap<>();
        private final Set<String> repeats = new HashSet<>();
        private final List<Problem> problems = new ArrayList<>();
        /** Label → the commit it served before, for labels the primary moved. */
        private final Map<String, String> movedFrom = new TreeMap<>();

        Round(RepoConfig repo, Fetcher f, Instant now, boolean fresh, DefaultLabelChoice choice) {
            this.repo = repo;
            this.f = f;
            this.now = now;
            this.fresh = fresh;
            this.choice = choice;
        }

        /** Tracked by the configuration, or the default label chosen by following the remote's HEAD. */
        boolean tracks(String label) {
            return repo.tracks(label) || choice.is(label);
        }

        /** False when the check failed on {@code commit}: the label stays where it was. */
        boolean accept(String label, String commit, String keeping) {
            Checked c = check(commit, keeping);
            if (c.error() == null) {
                return true;
            }
            problems.add(new Problem(label, commit, c.error(), now));
            Object[] kv = {"repo", repo.name(), "label", label, "commit", commit,
                "kept", keeping == null ? "none" : keeping, "problem", c.error()};
            if (repeats.contains(commit)) {
                LOG.debug("commit refused again, label keeps its last good commit", kv);
            } else {
                LOG.warn("commit refused, label keeps its last good commit", kv);
            }
            return false;
        }

        private Checked check(String commit) {
            return check(commit, null);
        }

        /** {@code near}: a commit the label served, whose check (if this process knows it) spares looking at what did not change. */
        private Checked check(String commit, String near) {
            return checked.computeIfAbsent(commit, c -> {
                Checked known = fresh ? null : memo.getOrDefault(repo.name(), Map.of()).get(c);
                if (known != null) {
                    repeats.add(c);
                    return known;
                }
                Checked result = runCheck(c, fresh || near == null ? null : memo.getOrDefault(repo.name(), Map.of()).get(near), near);
                if (result.error() != null) {
                    refusals.inc(repo.name());
                }
                return result;
            });
        }

        private Checked runCheck(String commit, Checked earlier, String near) {
            try {
                ObjectId id = ObjectId.fromString(commit);
                return new Checked(earlier != null && earlier.error() == null
                        ? check.brokenFiles(repo, f.repository(), id, ObjectId.fromString(near), earlier.broken())
                        : check.brokenFiles(repo, f.repository(), id), null);
            } catch (RuntimeException e) {
                return new Checked(List.of(), "commit check failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        /** Each served commit's broken files (checked now if this process has not yet), with the commits their readers keep. */
        Decision finish(Map<String, String> next, Map<String, String> served, Map<String, Holdback> held) {
            Map<String, Holdback> holdbacks = new TreeMap<>();
            List<String[]> set = new ArrayList<>();
            next.forEach((label, commit) -> {
                Checked c = check(commit);
                if (c.error() != null && commit.equals(served.get(label))) {
                    problems.add(new Problem(label, commit, c.error(), now));
                    LOG.warn("served commit fails the check, still served (nothing better)", "repo", repo.name(),
                            "label", label, "commit", commit, "problem", c.error());
                }
                if (c.broken().isEmpty()) {
                    return;
                }
                Holdback h = holdback(commit, served.get(label), held.get(label), c.broken());
                holdbacks.put(label, h);
                Optional<String> kept = h.fallbacks().stream().findFirst();
                for (BrokenFile b : c.broken()) {
                    problems.add(new Problem(label, commit, b.where() + " (held back: " + String.join(", ", b.apps()) + ")",
                            now, Optional.of(b), kept));
                    set.add(new String[] {repo.name(), label, b.path(), String.valueOf(b.line()), metricApps(b.apps())});
                    if (!repeats.contains(commit)) {
                        LOG.warn("configuration does not parse, its readers stay on their last good commit", "repo", repo.name(),
                                "label", label, "commit", commit, "file", b.path(), "line", b.line(), "error", b.message(),
                                "held", String.join(",", b.apps()), "kept", kept.orElse("none"));
                    }
                }
            });
            memo.put(repo.name(), Map.copyOf(checked));
            for (String[] old : series.getOrDefault(repo.name(), List.of())) {
                unparseable.remove(old);
            }
            set.forEach(s -> unparseable.set(1, s));
            series.put(repo.name(), set);
            return new Decision(next, problems, holdbacks, choice, Map.copyOf(movedFrom));
        }
    }

    /**
     * A label serving {@code commit} with broken files: its readers fall back to the commits the label
     * served before, newest first — kept while the label stays, extended when it moves on.
     */
    private static Holdback holdback(String commit, String old, Holdback before, List<BrokenFile> broken) {
        List<String> earlier = before == null ? List.of() : before.fallbacks();
        if (old == null || commit.equals(old)) {
            return new Holdback(broken, earlier);
        }
        List<String> fallbacks = new ArrayList<>();
        fallbacks.add(old);
        fallbacks.addAll(earlier);
        return new Holdback(broken, fallbacks);
    }

    private static String metricApps(List<String> apps) {
        if (apps.size() <= APPS_IN_METRIC) {
            return String.join(",", apps);
        }
        return String.join(",", apps.subList(0, APPS_IN_METRIC)) + ",+" + (apps.size() - APPS_IN_METRIC);
    }
}
