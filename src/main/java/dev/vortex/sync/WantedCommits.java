package dev.vortex.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One repository's wanted-commit bookkeeping: commits a webhook announced that the mirror does not
 * have yet, the refs its push named, and how many runs each commit has been missing so that a commit
 * that never comes is given up. Mutable; guarded by the {@link Scheduler}'s lock.
 */
final class WantedCommits {
    /** Runs a wanted commit may be missing before it is given up (a webhook may name a commit that never comes). */
    static final int MAX_MISSES = 5;

    private final Set<String> commits = new LinkedHashSet<>();
    /** Fetched first by the next run (a hint: it fetches everything if a wanted commit is still missing). */
    private final Set<String> refs = new LinkedHashSet<>();
    /** Ref → the commit a push announced for it: a trigger that named one ref and one commit (a hint, see {@link SyncRun}). */
    private final Map<String, String> announced = new HashMap<>();
    private final Map<String, Integer> misses = new HashMap<>();

    /**
     * A trigger's wants; a commit asked for again starts counting its misses anew. One ref and one
     * commit (a push of one branch or tag) announce that the ref is at that commit now; a ref named
     * otherwise has no announced commit.
     */
    void add(Set<String> wantCommits, Set<String> wantRefs) {
        for (String w : wantCommits) {
            commits.add(w);
            misses.remove(w);
        }
        refs.addAll(wantRefs);
        if (wantRefs.size() == 1 && wantCommits.size() == 1) {
            announced.put(wantRefs.iterator().next(), wantCommits.iterator().next());
        } else {
            wantRefs.forEach(announced::remove);
        }
    }

    /** The commits still wanted. */
    Set<String> commits() {
        return Set.copyOf(commits);
    }

    /** The refs a run fetches first, with the commit a push announced for each of them that has one. */
    record Pushed(Set<String> refs, Map<String, String> announced) {
    }

    /** The refs to fetch first in the run that starts now; the next run starts without them. */
    Pushed takeRefs() {
        Pushed taken = new Pushed(Set.copyOf(refs), Map.copyOf(announced));
        refs.clear();
        announced.clear();
        return taken;
    }

    /**
     * After a run that asked for {@code asked}: drops the wanted commits that arrived, counts a miss
     * for each still {@code missing}, and gives up those missing {@link #MAX_MISSES} runs; returns those.
     */
    List<String> settle(Set<String> asked, Set<String> missing) {
        List<String> givenUp = new ArrayList<>();
        for (String w : asked) {
            if (!missing.contains(w)) {
                commits.remove(w);
                misses.remove(w);
            } else if (misses.merge(w, 1, Integer::sum) >= MAX_MISSES) {
                commits.remove(w);
                misses.remove(w);
                givenUp.add(w);
            }
        }
        return givenUp;
    }
}
