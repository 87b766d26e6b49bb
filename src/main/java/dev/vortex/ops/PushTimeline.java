package dev.vortex.ops;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a push's time goes, from the trigger (webhook parsed, refresh asked) to the frames handed to
 * the WebSocket sessions: each {@link #mark} logs, at debug level, the stage a repository's run just
 * passed with milliseconds since its last {@link #begin} — on whichever thread passes it (HTTP,
 * dispatcher, run, WebSocket hub). Stages of runs nobody triggered (timer, start-up) log from the
 * run's own start. Costs a map lookup unless debug logging is on.
 */
public final class PushTimeline {
    private static final Log LOG = Log.of(PushTimeline.class);
    /** Per repository, the nanoTime its last trigger arrived. */
    private static final Map<String, Long> STARTS = new ConcurrentHashMap<>();

    private PushTimeline() {
    }

    /** {@code repo} was triggered by {@code what} now: its next stages count from here. */
    public static void begin(String repo, String what) {
        if (LOG.debugEnabled()) {
            STARTS.put(repo, System.nanoTime());
            LOG.debug("push timeline", "repo", repo, "stage", what, "at_ms", "0.00");
        }
    }

    /** {@code repo}'s push passed {@code stage} now. */
    public static void mark(String repo, String stage) {
        if (!LOG.debugEnabled()) {
            return;
        }
        long now = System.nanoTime();
        Long start = STARTS.putIfAbsent(repo, now);
        LOG.debug("push timeline", "repo", repo, "stage", stage,
                "at_ms", String.format(Locale.ROOT, "%.2f", (now - (start == null ? now : start)) / 1e6));
    }
}
