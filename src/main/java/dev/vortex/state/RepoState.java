package dev.vortex.state;

import dev.vortex.config.Names;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One repository in a snapshot: the commit each served label points to, its sync status, the
 * default label the sync chose, and the labels whose commit has files that do not parse.
 *
 * @param commits      label → 40-hex commit id, sorted by label
 * @param defaultLabel the label the sync chose to serve when a request names none, for a repository
 *                     with no {@code default-label} configured (the remote's HEAD, else {@code main},
 *                     else {@code master}); empty when configured or not known yet
 * @param holdbacks    label → the files of its commit that do not parse and the commits their readers
 *                     stay on; labels whose every file parses are absent
 */
public record RepoState(Map<String, String> commits, RepoStatus status, Optional<String> defaultLabel,
                        Map<String, Holdback> holdbacks) {

    public RepoState {
        commits.forEach((label, commit) -> {
            if (!Names.isCommitId(commit)) {
                throw new IllegalArgumentException("commit of label \"" + label + "\" is \"" + commit
                        + "\", expected 40 lower-case hex digits");
            }
        });
        commits = Collections.unmodifiableMap(new TreeMap<>(commits));
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(defaultLabel, "defaultLabel");
        holdbacks = Collections.unmodifiableMap(new TreeMap<>(holdbacks));
    }

    /** With every file parsing. */
    public RepoState(Map<String, String> commits, RepoStatus status, Optional<String> defaultLabel) {
        this(commits, status, defaultLabel, Map.of());
    }

    /** With no default label chosen (configured, or not known) and every file parsing. */
    public RepoState(Map<String, String> commits, RepoStatus status) {
        this(commits, status, Optional.empty());
    }
}
