package dev.vortex.render;

import java.util.List;
import java.util.Map;

/**
 * What Spring Cloud Config answers for {@code GET /{app}/{profiles}[/{label}]}.
 *
 * @param name            the application
 * @param profiles        the profiles path segment, unsplit ({@code "prod,dev"})
 * @param label           the label the request named, null when it named none
 * @param version         the commit id
 * @param propertySources highest precedence first
 */
record Environment(String name, String profiles, String label, String version, List<PropertySource> propertySources) {
    Environment {
        propertySources = List.copyOf(propertySources);
    }

    /**
     * One document of one file: {@code <repo-url>/<path>[ (document #N)]}, its flattened keys,
     * where each value starts (keys without a known origin are absent), the file's path in the
     * commit and the document's index (null and -1 for a source that is no file).
     */
    record PropertySource(String name, Map<String, Object> source, Map<String, Origin> origins, String path,
                          int document) {
        PropertySource(String name, Map<String, Object> source) {
            this(name, source, Map.of(), null, -1);
        }
    }

    /** The value of {@code key} in the highest-precedence source that has it (how Spring resolves placeholders). */
    Object lookup(String key) {
        for (PropertySource s : propertySources) {
            Object v = s.source().get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
