package dev.vortex.sync;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The full reload (every {@code sync.full-reload}: every repository re-resolved from its mirror and
 * re-checked, the hot state replaced at once).
 *
 * @param count         reloads since start
 * @param lastAt        when the last one ended
 * @param lastDurationMs how long it took
 * @param repos         repositories it re-resolved (those mid-run were left to their run)
 * @param labelsChanged labels that moved
 * @param problems      commits the check refused
 * @param errors        repositories whose mirror could not be read (they kept their state)
 * @param nextAt        when the next one is due; empty when disabled
 */
public record FullReloadStats(long count, Optional<Instant> lastAt, long lastDurationMs, int repos, int labelsChanged,
                              int problems, int errors, Optional<Instant> nextAt) {
    public FullReloadStats {
        Objects.requireNonNull(lastAt, "lastAt");
        Objects.requireNonNull(nextAt, "nextAt");
    }

    static FullReloadStats none() {
        return new FullReloadStats(0, Optional.empty(), 0, 0, 0, 0, 0, Optional.empty());
    }

    FullReloadStats withNext(Optional<Instant> next) {
        return new FullReloadStats(count, lastAt, lastDurationMs, repos, labelsChanged, problems, errors, next);
    }
}
