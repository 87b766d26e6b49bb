package dev.vortex.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    /** Commits a webhook announced that the mirror does not have yet. */
    final Set<String> wantCommits = new LinkedHashSet<>();
    /** Refs a push named, fetched first by the next run (a hint: it fetches everything if a wanted commit is still missing). */
    final Set<String> wantRefs = new LinkedHashSet<>();
    /** Runs that ended without each wanted commit, so a commit that never comes is given up. */
    final Map<String, Integer> wantMisses = new HashMap<>();
    /** The generation of the live ticket; any other ticket of this repository is stale. */
    long generation;
    /** Callers waiting for the next run to end. */
    List<CompletableFuture<SyncResult>> waiters = new ArrayList<>();
    /** What asked for the next run (empty: the timer). */
    final Set<String> sources = new LinkedHashSet<>();

    SyncEntry(String repo) {
        this.repo = repo;
    }

    /**
     * After a run that asked for {@code asked}: drops the wanted commits that arrived, counts a miss
     * for each still {@code missing}, and gives up those missing {@code maxMisses} runs; returns those.
     */
    List<String> settleWants(Set<String> asked, Set<String> missing, int maxMisses) {
        List<String> givenUp = new ArrayList<>();
        for (String w : asked) {
            if (!missing.contains(w)) {
                wantCommits.remove(w);
                wantMisses.remove(w);
            } else if (wantMisses.merge(w, 1, Integer::sum) >= maxMisses) {
                wantCommits.remove(w);
                wantMisses.remove(w);
                givenUp.add(w);
            }
        }
        return givenUp;
    }

    /** A copy for the status API. */
    View view() {
        return new View(attemptCount, nextAttempt, inProgress, dirty, Set.copyOf(wantCommits));
    }

    /** A consistent copy of an entry, read under the scheduler's lock. */
    record View(int attemptCount, Instant nextAttempt, boolean inProgress, boolean dirty, Set<String> wantCommits) {
    }
}
