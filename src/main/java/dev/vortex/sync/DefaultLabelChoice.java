package dev.vortex.sync;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Which label a repository serves when a request names none, decided from what its URLs reported
 * at their last fetch: the configured {@code default-label} when a URL has it; with none configured,
 * the branch the remote's HEAD names (what {@code git clone} checks out), else {@code main}, else
 * {@code master} (Spring Cloud Config 4 tries those two).
 *
 * @param label the label chosen; empty when none could be (see {@code error}) or nothing was fetched yet
 * @param how   how it was chosen, for the log: {@code configured}, {@code remote HEAD}, {@code fallback}
 * @param error why no label could be chosen: names the label and lists branches that exist
 */
record DefaultLabelChoice(Optional<String> label, String how, Optional<String> error) {
    static final List<String> FALLBACKS = List.of("main", "master");
    /** Branches an error lists at most. */
    static final int LISTED = 10;

    /** Chooses from {@code urls}' last fetched refs, in order (the first that reported anything decides what exists). */
    static DefaultLabelChoice of(RepoConfig repo, List<String> urls, Fetcher f) throws IOException {
        List<String> fetched = urls.stream().filter(u -> reported(f, u)).toList();
        if (fetched.isEmpty()) {
            return new DefaultLabelChoice(Optional.empty(), "unknown", Optional.empty());
        }
        if (repo.defaultLabel().isPresent()) {
            String wanted = repo.defaultLabel().get();
            for (String url : fetched) {
                if (f.labels(url).containsKey(wanted)) {
                    return chosen(wanted, "configured");
                }
            }
            return failed("default label '" + wanted + "' not found in repository '" + repo.name() + "'", fetched.get(0), f);
        }
        for (String url : fetched) {
            Optional<String> head = f.head(url);
            if (head.isPresent() && f.labels(url).containsKey(head.get())) {
                return chosen(head.get(), "remote HEAD");
            }
        }
        for (String fallback : FALLBACKS) {
            for (String url : fetched) {
                if (f.labels(url).containsKey(fallback)) {
                    return chosen(fallback, "fallback (remote HEAD unknown)");
                }
            }
        }
        return failed("no default label for repository '" + repo.name()
                + "': the remote names no HEAD branch and has neither 'main' nor 'master' (set default-label)", fetched.get(0), f);
    }

    private static boolean reported(Fetcher f, String url) {
        try {
            return !f.labels(url).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static DefaultLabelChoice chosen(String label, String how) {
        return new DefaultLabelChoice(Optional.of(label), how, Optional.empty());
    }

    private static DefaultLabelChoice failed(String what, String url, Fetcher f) throws IOException {
        SortedSet<String> branches = f.branches(url);
        String listed = branches.isEmpty() ? "it has no branches"
                : "branches there: " + String.join(", ", branches.stream().limit(LISTED).toList())
                        + (branches.size() > LISTED ? " (and " + (branches.size() - LISTED) + " more)" : "");
        return new DefaultLabelChoice(Optional.empty(), "none", Optional.of(what + " at " + Urls.redact(url) + "; " + listed));
    }

    /** True when {@code label} is the chosen one. */
    boolean is(String label) {
        return this.label.filter(label::equals).isPresent();
    }
}
