package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
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
 * {@link CommitCheck} first; a refused one leaves the label at its last good commit.
 */
final class LabelDecider {
    private static final Log LOG = Log.of(LabelDecider.class);

    private final CommitCheck check;
    private final Metrics.Counter refusals;
    /** Per repository, the commits its last decision refused, so a bad commit is not re-checked and re-logged every run. */
    private final Map<String, Map<String, String>> refused = new ConcurrentHashMap<>();

    /** Label → commit to serve, the refusals that kept labels where they were, and the default label chosen. */
    record Decision(Map<String, String> commits, List<Problem> problems, DefaultLabelChoice defaultLabel) {
    }

    LabelDecider(CommitCheck check, Metrics metrics) {
        this.check = check;
        this.refusals = metrics.counter("vortex_commit_refused_total",
                "New commits the commit check refused (the label kept its last good commit)", "repo");
    }

    /** The primary was reached in this run: every tracked label follows it. */
    Decision followPrimary(RepoConfig repo, Map<String, String> served, Fetcher f, Instant now) throws IOException {
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
                if (old != null && !f.isAncestor(old, commit)) {
                    LOG.warn("primary rewrote label history, following it", "repo", repo.name(), "label", label,
                            "from", old, "to", commit);
                }
                next.put(label, commit);
            } else if (old != null) {
                next.put(label, old);
            }
        }
        served.keySet().stream().filter(l -> !next.containsKey(l) && !primary.containsKey(l) && round.tracks(l))
                .forEach(l -> LOG.info("label gone from the primary, no longer served", "repo", repo.name(), "label", l));
        return round.finish(next);
    }

    /**
     * The primary was not reached (or nothing was fetched: start, full reload): labels move only
     * forward, to what {@code urls} report, in order. With {@code recheck} every served commit is
     * checked again (a full reload re-renders everything). The default label is chosen from every
     * URL's last fetch, primary first.
     */
    Decision fastForward(RepoConfig repo, Map<String, String> served, List<String> urls, Fetcher f, boolean recheck,
                         Instant now) throws IOException {
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
        if (recheck) {
            next.forEach(round::recheck);
        }
        return round.finish(next);
    }

    /** The checks of one decision: each commit checked at most once. */
    private final class Round {
        private final RepoConfig repo;
        private final Fetcher f;
        private final Instant now;
        private final boolean fresh;
        private final DefaultLabelChoice choice;
        private final Map<String, Optional<String>> checked = new HashMap<>();
        private final Map<String, String> refusedNow = new HashMap<>();
        private final Set<String> repeats = new HashSet<>();
        private final List<Problem> problems = new ArrayList<>();

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

        boolean accept(String label, String commit, String keeping) {
            Optional<String> problem = problem(commit);
            problem.ifPresent(p -> {
                problems.add(new Problem(label, commit, p, now));
                Object[] kv = {"repo", repo.name(), "label", label, "commit", commit,
                    "kept", keeping == null ? "none" : keeping, "problem", p};
                if (repeats.contains(commit)) {
                    LOG.debug("commit refused again, label keeps its last good commit", kv);
                } else {
                    LOG.warn("commit refused, label keeps its last good commit", kv);
                }
            });
            return problem.isEmpty();
        }

        void recheck(String label, String commit) {
            if (!checked.containsKey(commit)) {
                problem(commit).ifPresent(p -> {
                    problems.add(new Problem(label, commit, p, now));
                    LOG.warn("served commit fails the check on reload, still served (nothing better)", "repo", repo.name(),
                            "label", label, "commit", commit, "problem", p);
                });
            }
        }

        private Optional<String> problem(String commit) {
            return checked.computeIfAbsent(commit, c -> {
                String known = fresh ? null : refused.getOrDefault(repo.name(), Map.of()).get(c);
                Optional<String> p = known != null ? Optional.of(known) : runCheck(c);
                p.ifPresent(msg -> {
                    refusedNow.put(c, msg);
                    if (known == null) {
                        refusals.inc(repo.name());
                    } else {
                        repeats.add(c);
                    }
                });
                return p;
            });
        }

        private Optional<String> runCheck(String commit) {
            try {
                return check.problem(repo, f.repository(), ObjectId.fromString(commit));
            } catch (RuntimeException e) {
                return Optional.of("commit check failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        Decision finish(Map<String, String> next) {
            refused.put(repo.name(), Map.copyOf(refusedNow));
            return new Decision(next, problems, choice);
        }
    }
}
