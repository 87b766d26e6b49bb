package dev.vortex.render;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * One document of a configuration file, flattened the Spring way ({@code a.b}, {@code list[0]}).
 *
 * @param index      position among the file's non-empty documents (Spring's {@code document #N})
 * @param source     flattened keys in file order; values are String, Number or Boolean (an empty list is
 *                   {@code ""}, an empty map no key at all, as in Spring Boot)
 * @param origins    where each key's value starts in the file
 * @param activation the {@code spring.config.activate.on-profile} (or legacy {@code spring.profiles})
 *                   condition, empty when the document is always active
 * @param ciphers    whether a value is a {@code {cipher}} text: known once per parsed file, so the
 *                   60,000 sources of a 20,000-target re-render are not each scanned for one
 */
record Document(int index, Map<String, Object> source, Map<String, Origin> origins,
                Optional<ProfileExpression> activation, boolean ciphers) {
    static final String ON_PROFILE = "spring.config.activate.on-profile";
    static final String LEGACY_PROFILES = "spring.profiles";

    Document {
        source = Collections.unmodifiableMap(source);
        origins = Collections.unmodifiableMap(origins);
    }

    /** Reads the activation condition from the flattened keys; throws IllegalArgumentException when malformed. */
    static Document of(int index, Map<String, Object> source, Map<String, Origin> origins) {
        String condition = condition(source, ON_PROFILE);
        if (condition == null) {
            condition = condition(source, LEGACY_PROFILES);
        }
        // Spring binds an empty condition to an empty array: no restriction
        Optional<ProfileExpression> activation = condition == null || condition.isBlank()
                ? Optional.empty() : Optional.of(ProfileExpression.parse(condition));
        boolean ciphers = false;
        for (Object v : source.values()) {
            ciphers |= v instanceof String s && s.startsWith(CipherValues.PREFIX);
        }
        return new Document(index, source, origins, activation, ciphers);
    }

    boolean activeFor(Collection<String> profiles) {
        return activation.isEmpty() || activation.get().matches(profiles);
    }

    // A scalar (comma list allowed) or a YAML list flattened to key[0], key[1]…
    private static String condition(Map<String, Object> source, String key) {
        Object v = source.get(key);
        if (v != null) {
            return v.toString();
        }
        if (!source.containsKey(key + "[0]")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; source.containsKey(key + "[" + i + "]"); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(source.get(key + "[" + i + "]"));
        }
        return sb.toString();
    }
}
