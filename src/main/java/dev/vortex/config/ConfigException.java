package dev.vortex.config;

import java.util.List;

/** An invalid configuration, with every problem found (not just the first). */
public final class ConfigException extends Exception {
    @java.io.Serial
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public ConfigException(List<String> problems) {
        super(problems.size() + " configuration problem(s): " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
