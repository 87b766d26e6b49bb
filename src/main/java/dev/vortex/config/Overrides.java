package dev.vortex.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code overrides} setting, as Spring Cloud Config's {@code spring.cloud.config.server.overrides}:
 * properties served to every client as the highest-precedence property source, named
 * {@code overrides}. Nested mappings flatten to dotted keys, values are text. Like Spring, a value
 * may write {@code \${…}} and {@code \{…}} to serve a literal {@code ${…}} / {@code {…}} (a
 * placeholder the client resolves); vortexd itself never resolves its configuration, so an
 * unescaped {@code ${…}} is served as written too.
 */
public final class Overrides {
    /** The name Spring gives the property source. */
    public static final String SOURCE_NAME = "overrides";

    private Overrides() {
    }

    /** The overrides of a configuration file's {@code overrides:} mapping; problems go to {@code problems}. */
    static Map<String, String> fromYaml(JsonNode node, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add("overrides: must be a mapping of property names to values");
            return out;
        }
        flatten("", node, out, problems);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, List<String> problems) {
        node.properties().forEach(e -> {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key, v, out, problems);
            } else if (v.isValueNode()) {
                out.put(key, unescape(v.isNull() ? "" : v.asText()));
            } else {
                problems.add("overrides." + key + ": must be a value (a list is written key[0], key[1], …)");
            }
        });
    }

    /** Spring's un-escaping of an override value: {@code \{} → {@code {}, {@code \${} → {@code ${}. */
    static String unescape(String value) {
        return value.replace("\\${", "${").replace("\\{", "{");
    }
}
