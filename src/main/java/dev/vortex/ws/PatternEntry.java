package dev.vortex.ws;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One distinct subscribed pattern (hub thread only): the targets it matched so far and the sessions
 * holding it. A changes-only pattern ({@code subscribe} with {@code "snapshots":false}) matches no
 * target ahead of time: each change is matched against it as it comes.
 */
final class PatternEntry {
    final TargetPattern pattern;
    final boolean changesOnly;
    final Set<Target> matched = new LinkedHashSet<>();
    final Set<Session> sessions = new HashSet<>();

    PatternEntry(TargetPattern pattern, Collection<Target> matched) {
        this(pattern, matched, false);
    }

    PatternEntry(TargetPattern pattern, Collection<Target> matched, boolean changesOnly) {
        this.pattern = pattern;
        this.changesOnly = changesOnly;
        this.matched.addAll(matched);
    }
}
