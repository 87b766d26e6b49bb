/**
 * Keeps every repository's mirror in step with its remotes and decides which commit each label serves.
 *
 * <p>{@link dev.vortex.sync.SyncEngine} is the entry point (built by the composition root). Inside:
 * {@code Scheduler} keeps one {@code SyncEntry} per repository (its {@code WantedCommits} among them)
 * and puts {@code Ticket}s (stale generations dropped) in the {@code Dispatcher}'s {@code DelayQueue},
 * whose one thread starts one virtual thread per run (at most {@code sync.max-concurrent});
 * {@code FullReloadTimer} shares those run slots; {@code Timing} and {@code Backoff} say when the next run is
 * due; {@code SyncRun} steps through a repository's URLs ({@code SyncStep}) under the per-host
 * {@code DomainThrottle}; {@code LabelDecider} moves labels (the primary decides, mirrors only
 * fast-forward, the {@link dev.vortex.sync.CommitCheck} can refuse a commit); {@code RepoSync} runs all
 * that for one repository and publishes to the {@code state} store; {@code FullReload} re-resolves
 * every repository from its mirror on a timer. Fetching goes through the {@code Fetcher} seam,
 * {@code MirrorFetcher} in production.
 */
package dev.vortex.sync;
