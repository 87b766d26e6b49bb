package dev.vortex.state;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One repository in a snapshot: the commit each served label points to, and its sync status.
 *
 * @param commits   label → 40-hex commit id, sorted by label
 * @param holdbacks label → the files of its commit that do not parse and the commits their readers
 *                  stay on; labels whose every file parses are absent
 */
public record RepoState(Map<String, String> commits, RepoStatus status, Map<String, Holdback> holdbacks) {

    public RepoState(Map<String, String> commits, RepoStatus status) {
        this(commits, status, Map.of());
    }

    public RepoState {
        commits.forEach((label, commit) -> {
            if (commit == null || !commit.matches("[0-9a-f]{40}")) {
                throw new IllegalArgumentException("commit of label \"" + label + "\" is \"" + commit
                        + "\", expected 40 lower-case hex digits");
            }
        });
        commits = Collections.unmodifiableMap(new TreeMap<>(commits));
        Objects.requireNonNull(status, "status");
        holdbacks = Collections.unmodifiableMap(new TreeMap<>(holdbacks));
    }

    public RepoState withStatus(RepoStatus newStatus) {
        return new RepoState(commits, newStatus, holdbacks);
    }
}
