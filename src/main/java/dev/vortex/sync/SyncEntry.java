package dev.vortex.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The scheduling state of one repository. Mutable; every field is guarded by the {@link Scheduler}'s lock. */
final class SyncEntry {
    final String repo;
    /** When the live ticket is due; null while a run is in progress or after stop. */
    Instant nextAttempt;
    /** Failed runs in a row since the last success or trigger. */
    int attemptCount;
    boolean inProgress;
    /** When the last run ended (null: never); a trigger within a debounce after it waits for the debounce. */
    Instant lastEnd;
    /** Triggered while a run was in progress: run again after the debounce, without backoff. */
    boolean dirty;
    /** Commits a webhook announced that the mirror does not have yet, and the refs its push named. */
    final WantedCommits wants = new WantedCommits();
    /** The generation of the live ticket; any other ticket of this repository is stale. */
    long generation;
    /** Callers waiting for the next run to end. */
    List<CompletableFuture<SyncResult>> waiters = new ArrayList<>();
    /** What asked for the next run (empty: the timer). */
    final Set<String> sources = new LinkedHashSet<>();

    SyncEntry(String repo) {
        this.repo = repo;
    }

    /** A copy for the status API. */
    View view() {
        return new View(attemptCount, nextAttempt, inProgress, dirty, wants.commits());
    }

    /** A consistent copy of an entry, read under the scheduler's lock. */
    record View(int attemptCount, Instant nextAttempt, boolean inProgress, boolean dirty, Set<String> wantCommits) {
    }
}
