package dev.vortex.sync;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.SortedSet;
import org.eclipse.jgit.lib.Repository;

/**
 * What a sync needs from one repository's mirror: fetch a URL into its namespace, read what a URL
 * reported, and answer commit questions. Commits are 40-hex strings. {@link MirrorFetcher} in
 * production; tests use a fake.
 */
interface Fetcher {
    /** Fetches {@code url}; returns how many new commits arrived. The message of the exception has no credential. */
    int fetch(String url) throws IOException;

    /**
     * Fetches only {@code refs} (full names) of {@code url} into its namespace, leaving its other refs
     * as they are; {@code announced} (ref → commit) is what a push said they point to now, a hint.
     */
    int fetchRefs(String url, Set<String> refs, Map<String, String> announced) throws IOException;

    /** Label → commit as {@code url} reported at its last successful fetch (branches win over tags); empty if it never fetched. */
    Map<String, String> labels(String url) throws IOException;

    /** The commit {@code label} names in {@link #labels}; a mirror reads only the refs that can name it. */
    default Optional<String> label(String url, String label) throws IOException {
        return Optional.ofNullable(labels(url).get(label));
    }

    /** The branch {@code url}'s HEAD named at its last successful fetch; empty if unknown (never fetched, no or detached HEAD). */
    Optional<String> head(String url) throws IOException;

    /** The branch names {@code url} reported at its last successful fetch. */
    SortedSet<String> branches(String url) throws IOException;

    boolean hasCommit(String commit) throws IOException;

    /** True when {@code ancestor} is reachable from {@code descendant} or equal to it; false if either is missing. */
    boolean isAncestor(String ancestor, String descendant) throws IOException;

    /** Housekeeping of the mirror (git gc) when due, never inside a fetch; true when it ran. The run calls it after it published. */
    boolean gcIfDue() throws IOException;

    /** The JGit repository handed to the {@link CommitCheck}. */
    Repository repository();
}
