package dev.vortex.state;

import java.util.Objects;

/**
 * A label of a repository now serves another commit.
 *
 * @param oldCommit the commit served before, or {@code null} when the label was not served
 * @param newCommit the commit served now, or {@code null} when the label is no longer served
 */
public record ChangeEvent(String repo, String label, String oldCommit, String newCommit) {

    public ChangeEvent {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(label, "label");
        if (Objects.equals(oldCommit, newCommit)) {
            throw new IllegalArgumentException("a change of " + repo + "/" + label + " needs two different commits, got "
                    + oldCommit + " twice");
        }
    }
}
