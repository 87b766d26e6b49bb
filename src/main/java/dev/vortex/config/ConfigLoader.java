package dev.vortex.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link VortexConfig} from the YAML file, then {@code VORTEX_*} environment variables,
 * then {@code --key=value} flags (later wins). Every source is flattened to dotted keys
 * ({@code sync.backoff.initial}, {@code repos.0.urls}) so one schema ({@link ConfigKeys}) validates
 * all three ({@link RawConfig}), values are parsed and checked ({@link ConfigBinder}), and every
 * problem is collected before failing.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param args command-line arguments ({@code --config=FILE}, {@code --repo=URL[,MIRROR…]}, {@code --key=value})
     * @param env  the environment ({@code VORTEX_CONFIG}, {@code VORTEX_*})
     * @throws ConfigException listing every problem found
     */
    public static VortexConfig load(List<String> args, Map<String, String> env) throws ConfigException {
        return loadWithSources(args, env).config();
    }

    /** {@link #load} with the warnings (to log at start) and where every value came from. */
    public static Loaded loadWithSources(List<String> args, Map<String, String> env) throws ConfigException {
        List<String> problems = new ArrayList<>();
        RawConfig raw = new RawConfig(problems);
        raw.read(args, env);
        VortexConfig config = new ConfigBinder(raw, env, problems).bind();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Loaded(config, raw.warnings, raw.values, raw.origins, raw.repoFlags, raw.file);
    }

    /**
     * A loaded configuration with its provenance.
     *
     * @param warnings  unknown {@code VORTEX_*} variables that were ignored, to be logged
     * @param values    dotted key → value as given (a String or a list), for keys not left at their default
     * @param origins   dotted key → the file key, variable name or {@code --flag} that set it
     * @param repoFlags the {@code --repo} values
     * @param file      the configuration file, if one was named
     */
    public record Loaded(VortexConfig config, List<String> warnings, Map<String, Object> values, Map<String, String> origins,
                         List<String> repoFlags, Optional<Path> file) {
        public Loaded {
            warnings = List.copyOf(warnings);
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
            repoFlags = List.copyOf(repoFlags);
        }
    }

    /** Every scalar key in reference order. */
    public static List<String> keys() {
        return List.copyOf(ConfigKeys.DEFAULTS.keySet());
    }

    public static String defaultOf(String key) {
        return ConfigKeys.DEFAULTS.get(key);
    }

    /** The environment variable name of a key: {@code sync.backoff.initial} → {@code VORTEX_SYNC_BACKOFF_INITIAL}. */
    public static String envName(String key) {
        return ConfigKeys.envName(key);
    }
}
