package dev.vortex.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration as given, before any value is parsed: the YAML file, {@code VORTEX_*}
 * environment variables and {@code --key=value} flags flattened to dotted keys
 * ({@code sync.backoff.initial}, {@code repos.0.urls}), each with where it came from. Unknown keys
 * and unreadable sources are problems; reading goes on to find them all.
 */
final class RawConfig {
    private static final Pattern ENV_REPO_KEY = Pattern.compile("VORTEX_REPOS_(\\d{1,3})_([A-Z_]+)");

    /** Dotted key → value as given (a String or a list of them). */
    final Map<String, Object> values = new LinkedHashMap<>();
    /** Key → where its value came from: the file key, the variable name or the flag. */
    final Map<String, String> origins = new LinkedHashMap<>();
    final Map<String, String> overrides = new LinkedHashMap<>();
    /** The {@code --repo} values. */
    final List<String> repoFlags = new ArrayList<>();
    /** Unknown {@code VORTEX_*} variables that were ignored, to be logged. */
    final List<String> warnings = new ArrayList<>();
    Optional<Path> file = Optional.empty();
    private final List<String> problems;

    RawConfig(List<String> problems) {
        this.problems = problems;
    }

    /** Reads the file {@code --config} or {@code VORTEX_CONFIG} names, then {@code env}, then the flags in {@code args} (later wins). */
    void read(List<String> args, Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        Map<String, String> flagOverrides = new LinkedHashMap<>();
        String configFile = env.getOrDefault("VORTEX_CONFIG", "");
        for (String arg : args) {
            if (!arg.startsWith("--") || arg.indexOf('=') < 3) {
                problems.add("argument \"" + Names.printable(arg) + "\" is not of the form --key=value");
                continue;
            }
            String key = arg.substring(2, arg.indexOf('='));
            String value = arg.substring(arg.indexOf('=') + 1);
            switch (key) {
                case "config" -> configFile = value;
                case "repo" -> repoFlags.add(value);
                default -> {
                    if (key.startsWith("overrides.") && key.length() > "overrides.".length()) {
                        flagOverrides.put(key.substring("overrides.".length()), Overrides.unescape(value));
                    } else {
                        flags.put(key, value);
                    }
                }
            }
        }
        if (!configFile.isBlank()) {
            file = Optional.of(Path.of(configFile));
            readFile(Path.of(configFile));
        }
        readEnv(env);
        flags.forEach((k, v) -> put(k, v, "--" + k));
        overrides.putAll(flagOverrides);
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            problems.add("config file " + file + ": not found");
            return;
        } catch (AccessDeniedException e) {
            problems.add("config file " + file + ": permission denied");
            return;
        } catch (IOException e) {
            problems.add("config file " + file + ": " + firstLine(e.getMessage()));
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            problems.add("config file " + file + ": the top level must be a mapping of keys");
            return;
        }
        flatten("", root);
    }

    private void flatten(String prefix, JsonNode node) {
        if (prefix.equals("repos.") || prefix.equals("repos")) {
            flattenRepos(node);
            return;
        }
        if (prefix.equals(Overrides.SOURCE_NAME)) {
            overrides.putAll(Overrides.fromYaml(node, problems));
            return;
        }
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue()));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    problems.add(prefix + ": list items must be plain values");
                    return;
                }
                items.add(item.asText());
            }
            put(prefix, items, prefix);
        } else {
            put(prefix, node.isNull() ? "" : node.asText(), prefix);
        }
    }

    private void flattenRepos(JsonNode node) {
        if (node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            problems.add("repos: must be a list of repositories");
            return;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode repo = node.get(i);
            if (!repo.isObject()) {
                problems.add("repos." + i + ": must be a mapping with name, urls, …");
                continue;
            }
            for (var e : repoEntries(repo)) {
                String key = "repos." + i + "." + e.getKey();
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    List<String> items = new ArrayList<>();
                    v.forEach(item -> items.add(item.asText()));
                    put(key, items, key);
                } else if (v.isValueNode()) {
                    put(key, v.isNull() ? "" : v.asText(), key);
                } else {
                    problems.add(key + ": must be a value or a list");
                }
            }
        }
    }

    /** A repository's keys, one nested mapping ({@code ssh: {private-key-file: …}}) flattened to dotted keys. */
    private static List<Map.Entry<String, JsonNode>> repoEntries(JsonNode repo) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (var e : repo.properties()) {
            if (e.getValue().isObject()) {
                e.getValue().properties().forEach(n -> entries.add(Map.entry(e.getKey() + "." + n.getKey(), n.getValue())));
            } else {
                entries.add(e);
            }
        }
        return entries;
    }

    private void readEnv(Map<String, String> env) {
        Map<String, String> byEnv = new LinkedHashMap<>();
        ConfigKeys.DEFAULTS.keySet().forEach(k -> byEnv.put(ConfigKeys.envName(k), k));
        new TreeSet<>(env.keySet()).forEach(name -> {
            if (!name.startsWith("VORTEX_") || name.equals("VORTEX_CONFIG")) {
                return;
            }
            String value = env.get(name);
            Matcher m = ENV_REPO_KEY.matcher(name);
            if (byEnv.containsKey(name)) {
                put(byEnv.get(name), value, name);
            } else if (m.matches()) {
                String sub = m.group(2).toLowerCase(Locale.ROOT).replace('_', '-');
                sub = ConfigKeys.REPO_KEYS.stream().filter(k -> k.replace('.', '-').equals(m.group(2).toLowerCase(Locale.ROOT).replace('_', '-')))
                        .findFirst().orElse(sub);
                put("repos." + Integer.parseInt(m.group(1)) + "." + sub, value, name);
            } else {
                switch (EnvVars.unknown(name, value, byEnv.keySet())) {
                    case EnvVars.Ignored i -> { }
                    case EnvVars.Warning w -> warnings.add(w.message());
                    case EnvVars.Error err -> problems.add(err.message());
                }
            }
        });
    }

    /** Records one value; checks the key is known. {@code source} names where it came from, for messages. */
    private void put(String key, Object value, String source) {
        Matcher m = ConfigKeys.REPO_KEY.matcher(key);
        if (m.matches()) {
            if (!ConfigKeys.REPO_KEYS.contains(m.group(2))) {
                problems.add(source + ": unknown repository key \"" + m.group(2) + "\"" + ConfigKeys.suggestion(m.group(2), ConfigKeys.REPO_KEYS));
                return;
            }
        } else if (!ConfigKeys.DEFAULTS.containsKey(key)) {
            String shown = source.startsWith("--") ? "flag " + source : source.startsWith("VORTEX_") ? source : "key " + key;
            problems.add(shown + " is not a known setting" + ConfigKeys.suggestion(key, ConfigKeys.DEFAULTS.keySet()));
            return;
        }
        values.put(key, value);
        origins.put(key, source);
    }

    private static String firstLine(String s) {
        return s == null ? "cannot be read" : s.lines().findFirst().orElse("");
    }
}
