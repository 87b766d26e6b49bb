package dev.vortex.ws;

import dev.vortex.config.Names;
import dev.vortex.config.Patterns;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A subscription pattern {@code app:profile[:label]}: each part a name or a glob with {@code *}.
 * A null label means "the application's default label"; {@code (_)} in the label stands for
 * {@code /}. Equal patterns share one entry in the hub.
 */
record TargetPattern(String app, String profile, String label) {

    /** Parses a client pattern; the message of the exception says what is wrong with it. */
    static TargetPattern parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("pattern is null");
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("pattern '" + Names.printable(text)
                    + "' is not app:profile[:label]");
        }
        return of(parts[0], parts[1], parts.length == 3 ? Names.decodeLabel(parts[2]) : null);
    }

    /** A pattern from already separated parts; the label (if any) already has {@code /}. */
    static TargetPattern of(String app, String profile, String label) {
        check("application", app, false);
        check("profile", profile, false);
        if (label != null) {
            check("label", label, true);
        }
        return new TargetPattern(app, profile, label);
    }

    private static void check(String kind, String value, boolean slashAllowed) {
        Optional<String> problem = Names.checkPart(kind, value, slashAllowed);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
    }

    /** No part is a glob: the pattern names exactly one target once its label is resolved. */
    boolean concrete() {
        return !Patterns.isPattern(app) && !Patterns.isPattern(profile) && (label == null || !Patterns.isPattern(label));
    }

    /**
     * The targets of {@code inventory} this glob pattern matches; a null label matches only the
     * application's default label.
     */
    Set<Target> expand(Set<Target> inventory, Function<String, Optional<String>> defaultLabel) {
        return expandWith(inventory, (app, profile) -> defaultLabel.apply(app));
    }

    /** {@link #expand} with a default label per application and profile (a template may have a repository per profile). */
    Set<Target> expandWith(Set<Target> inventory, java.util.function.BiFunction<String, String, Optional<String>> defaultLabel) {
        Map<List<String>, Optional<String>> defaults = new HashMap<>();
        Set<Target> out = new LinkedHashSet<>();
        for (Target t : inventory) {
            if (!Patterns.matches(app, t.app()) || !Patterns.matches(profile, t.profile())) {
                continue;
            }
            boolean labelOk = label == null
                    ? defaults.computeIfAbsent(List.of(t.app(), t.profile()), k -> defaultLabel.apply(k.get(0), k.get(1))).map(t.label()::equals).orElse(false)
                    : Patterns.matches(label, t.label());
            if (labelOk) {
                out.add(t);
            }
        }
        return out;
    }
}
