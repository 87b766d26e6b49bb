package dev.vortex.sync;

import java.time.Duration;
import java.util.Optional;

/** What one step of a {@link SyncRun} did. */
sealed interface SyncStep {

    /**
     * Fetched one URL.
     *
     * @param url        redacted
     * @param newCommits commits that arrived (0 when it failed)
     * @param error      what went wrong, naming the URL and its place in the list
     */
    record TriedUrl(String url, boolean ok, int newCommits, Optional<String> error) implements SyncStep {
    }

    /** Every host with an untried URL is at its limit; try again after {@code delay} (named so because a record cannot have a {@code wait} component). */
    record Throttled(Duration delay) implements SyncStep {
    }

    /** Every URL was tried and the run did not complete (no fetch worked, or a wanted commit is missing). */
    record NoMoreUrls() implements SyncStep {
    }

    /** A fetch worked and every wanted commit is present. */
    record Complete() implements SyncStep {
    }
}
