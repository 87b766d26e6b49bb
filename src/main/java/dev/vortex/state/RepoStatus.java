package dev.vortex.state;

import dev.vortex.config.Urls;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a repository's syncs went, as last published. Every URL in here is redacted.
 *
 * @param lastRefresh the last finished run, empty before the first
 * @param lastSuccess when a run last succeeded
 * @param lastError   the newest error of any run (kept after later successes, with its time)
 * @param runsOk      runs that succeeded since start
 * @param runsFailed  runs that failed since start
 * @param mirrors     one entry per configured URL, in configuration order (primary first)
 * @param problems    commits refused by the commit check, per label (the label keeps its last good commit)
 */
public record RepoStatus(Optional<Refresh> lastRefresh, Optional<Instant> lastSuccess, Optional<RepoError> lastError,
                         long runsOk, long runsFailed, List<MirrorStatus> mirrors, List<Problem> problems) {

    public RepoStatus {
        Objects.requireNonNull(lastRefresh, "lastRefresh");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        Objects.requireNonNull(lastError, "lastError");
        mirrors = List.copyOf(mirrors);
        problems = List.copyOf(problems);
    }

    /** The status of a repository that never ran a sync. */
    public static RepoStatus initial(List<String> urls) {
        return new RepoStatus(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0,
                urls.stream().map(MirrorStatus::never).toList(), List.of());
    }

    /** This status with the commit check's current refusals. */
    public RepoStatus withProblems(List<Problem> now) {
        return new RepoStatus(lastRefresh, lastSuccess, lastError, runsOk, runsFailed, mirrors, now);
    }

    /**
     * One finished run.
     *
     * @param result  {@code ok} or {@code failed}
     * @param trigger what asked for it: {@code timer}, {@code startup}, {@code api}, {@code webhook}, {@code signal}, … (comma-joined when coalesced)
     */
    public record Refresh(Instant at, long durationMs, String result, boolean changed, String trigger) {
    }

    /** An error and the URL (redacted) it came from; {@code url} is empty for errors not tied to one URL. */
    public record RepoError(Instant at, String message, Optional<String> url) {
        public RepoError {
            url = url.map(Urls::redact);
        }
    }

    /**
     * The last attempt at one URL.
     *
     * @param result {@code never}, {@code ok} or {@code failed}
     */
    public record MirrorStatus(String url, String result, Optional<Instant> at, Optional<String> error, int newCommits) {
        public MirrorStatus {
            url = Urls.redact(url);
        }

        public static MirrorStatus never(String url) {
            return new MirrorStatus(url, "never", Optional.empty(), Optional.empty(), 0);
        }
    }

    /**
     * A problem with {@code commit} of {@code label}: either the commit check refused it (the label
     * kept its last good commit; {@code file} is empty), or the label serves it but {@code file} does
     * not parse, so the applications reading that file stay on {@code kept} (empty: nothing to serve them).
     */
    public record Problem(String label, String commit, String problem, Instant at, Optional<BrokenFile> file,
                          Optional<String> kept) {
        public Problem {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(kept, "kept");
        }

        /** A refused commit. */
        public Problem(String label, String commit, String problem, Instant at) {
            this(label, commit, problem, at, Optional.empty(), Optional.empty());
        }
    }
}
