package dev.vortex.ws;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** One distinct subscribed pattern (hub thread only): the targets it matched so far and the sessions holding it. */
final class PatternEntry {
    final TargetPattern pattern;
    final Set<Target> matched = new LinkedHashSet<>();
    final Set<Session> sessions = new HashSet<>();

    PatternEntry(TargetPattern pattern, Collection<Target> matched) {
        this.pattern = pattern;
        this.matched.addAll(matched);
    }
}
