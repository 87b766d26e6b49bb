package dev.vortex.sync;

import dev.vortex.state.RepoStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the status API shows about one repository: what it serves, how its syncs went, and
 * its live schedule.
 *
 * @param defaultLabel the label served when a request names none (configured, or chosen by the sync)
 * @param commits      label → commit served now
 * @param status       the results published by the last run
 * @param attemptCount failed runs in a row
 * @param nextAttempt  when the next run is due; empty while one is in progress
 * @param inProgress   a run is going on now
 * @param wantCommits  commits a webhook announced that the mirror does not have yet
 */
public record RepoReport(String repo, String defaultLabel, Map<String, String> commits, RepoStatus status, int attemptCount,
                         Optional<Instant> nextAttempt, boolean inProgress, Set<String> wantCommits) {
    public RepoReport {
        commits = Collections.unmodifiableMap(new TreeMap<>(commits));
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        wantCommits = Set.copyOf(wantCommits);
    }
}
