package dev.vortex.sync;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How one run of a repository ended, as the refresh API reports it.
 *
 * @param changed    true when a label moved
 * @param commits    label → commit served after the run
 * @param durationMs how long the run took
 * @param error      why the run failed, or why a label kept its commit; empty when all went well
 */
public record SyncResult(boolean changed, Map<String, String> commits, long durationMs, Optional<String> error) {

    public SyncResult {
        commits = Collections.unmodifiableMap(new TreeMap<>(commits));
        Objects.requireNonNull(error, "error");
    }

    static SyncResult failed(String message) {
        return new SyncResult(false, Map.of(), 0, Optional.of(message));
    }
}
