package dev.vortex.ws;

import java.util.Map;
import java.util.Objects;

/**
 * An effective configuration and the commit it was read at.
 *
 * @param commit the commit id that becomes the message {@code version}
 * @param config flattened keys ({@code a.b[0].c}) to scalar values, highest precedence already
 *               applied; never mutated once handed over
 */
public record Versioned(String commit, Map<String, Object> config) {
    public Versioned {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(config, "config");
    }
}
