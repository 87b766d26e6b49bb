package dev.vortex.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an unknown {@code VORTEX_*} environment variable is. Kubernetes injects service-link
 * variables for every Service of the namespace into every pod ({@code VORTEX_PORT=tcp://…} for a
 * Service named {@code vortex}), and operators' environments hold unrelated {@code VORTEX_*}
 * variables: neither may stop a start. A near miss of a real setting (within
 * {@value #NEAR_MISS} edits, {@code VORTEX_SYNC_INTERVL}) is still a typo and stays an error.
 */
final class EnvVars {
    static final int NEAR_MISS = 2;
    private static final String NAME = "VORTEX(?:_[A-Z0-9_]+?)?";
    private static final String PROTO = "(?:TCP|UDP|SCTP)";
    // Kubernetes' docker-link style variables, matched with the shape of their values so that a
    // mistyped real setting (VORTEX_HTPP_PORT=8080) is not taken for one.
    private static final Pattern SERVICE_HOST = Pattern.compile(NAME + "_SERVICE_HOST");
    private static final Pattern SERVICE_PORT = Pattern.compile(NAME + "_SERVICE_PORT(?:_[A-Z0-9_]+)?");
    private static final Pattern LINK_URL = Pattern.compile(NAME + "_PORT(?:_\\d{1,5}_" + PROTO + ")?");
    private static final Pattern LINK_PART = Pattern.compile(NAME + "_PORT_\\d{1,5}_" + PROTO + "_(PROTO|PORT|ADDR)");
    private static final Pattern URL_VALUE = Pattern.compile("(?i)(tcp|udp|sctp)://\\S+:\\d{1,5}");
    private static final Pattern PORT_VALUE = Pattern.compile("\\d{1,5}");
    private static final Pattern ADDR_VALUE = Pattern.compile("[0-9A-Fa-f:.]+");

    /** An unknown variable: ignored, a warning, or an error (message without the variable's value). */
    sealed interface Verdict {
    }

    record Ignored() implements Verdict {
    }

    record Warning(String message) implements Verdict {
    }

    record Error(String message) implements Verdict {
    }

    private EnvVars() {
    }

    /** Classifies {@code name}, which is not one of {@code known} (the settings' variable names). */
    static Verdict unknown(String name, String value, Collection<String> known) {
        if (isServiceLink(name, value == null ? "" : value.strip())) {
            return new Ignored();
        }
        Optional<String> closest = closest(name, known);
        int distance = closest.map(k -> ConfigKeys.distance(name, k)).orElse(Integer.MAX_VALUE);
        String hint = closest.filter(k -> ConfigKeys.distance(name, k) <= Math.max(NEAR_MISS, name.length() / 3))
                .map(k -> " (did you mean " + k + "?)").orElse("");
        if (distance <= NEAR_MISS) {
            return new Error("environment variable " + name + " is not a known setting" + hint);
        }
        return new Warning("environment variable " + name + " is not a known setting, ignored" + hint);
    }

    /** True for the variables Kubernetes injects for a Service whose name starts with {@code vortex}. */
    static boolean isServiceLink(String name, String value) {
        // one name may fit two shapes (VORTEX_PORT_8888_TCP_PORT is a link part and "<NAME>_PORT"): any fit with its value counts
        if (SERVICE_HOST.matcher(name).matches() && !value.isEmpty()) {
            return true;
        }
        if (SERVICE_PORT.matcher(name).matches() && PORT_VALUE.matcher(value).matches()) {
            return true;
        }
        if (LINK_URL.matcher(name).matches() && URL_VALUE.matcher(value).matches()) {
            return true;
        }
        var part = LINK_PART.matcher(name);
        return part.matches() && switch (part.group(1)) {
            case "PROTO" -> value.toLowerCase(Locale.ROOT).matches("tcp|udp|sctp");
            case "PORT" -> PORT_VALUE.matcher(value).matches();
            default -> ADDR_VALUE.matcher(value).matches();
        };
    }

    private static Optional<String> closest(String name, Collection<String> known) {
        return known.stream().min(Comparator.comparingInt(k -> ConfigKeys.distance(name, k)));
    }
}
