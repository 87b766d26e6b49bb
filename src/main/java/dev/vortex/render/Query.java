package dev.vortex.render;

import dev.vortex.config.Names;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a configuration request asks for.
 *
 * @param app          the application name
 * @param profiles     the profiles as sent, a comma list ({@code "prod,eu"}); the last listed wins
 * @param label        the label the request named, null when it named none
 * @param defaultLabel the repository's default label, used for {@code {label}} in search paths
 */
record Query(String app, String profiles, String label, String defaultLabel) {

    /** Validates every part (IllegalArgumentException naming the bad one). */
    Query {
        Names.checkRequest(app, profiles, label).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    /** The profiles in order, trimmed, each once. */
    List<String> profileList() {
        Set<String> out = new LinkedHashSet<>();
        for (String p : profiles.split(",")) {
            out.add(p.trim());
        }
        return List.copyOf(out);
    }

    String labelOrDefault() {
        return label != null ? label : defaultLabel;
    }
}
