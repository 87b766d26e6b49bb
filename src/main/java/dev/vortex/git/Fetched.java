package dev.vortex.git;

import java.util.Optional;

/**
 * What one successful fetch of a URL left in its namespace, read once as the fetch ended, so a run
 * does not read the refs again to decide its labels.
 *
 * @param newCommits commits that arrived which the namespace did not reach before
 * @param refs       the branches and tags the URL reported, as {@link Mirror#refs} reads them
 * @param head       the branch the URL's HEAD named, as {@link Mirror#head} reads it
 */
public record Fetched(int newCommits, RemoteRefs refs, Optional<String> head) {
}
