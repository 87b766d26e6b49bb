package dev.vortex.render;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML files read the way Spring Boot reads them: SnakeYAML with a {@link SafeConstructor}
 * (anchors, aliases, merge keys {@code <<}, multi-document files), duplicate keys refused, no
 * timestamp resolution, YAML {@code null} as {@code ""}, non-string keys as {@code [key]},
 * a non-map document under the key {@code document}. Hostile files hit named limits
 * instead of exhausting memory: aliases, nesting depth, size, and the number of flattened keys.
 */
final class YamlParser {
    static final int MAX_ALIASES = 50;
    static final int MAX_NESTING = 50;
    /** Aliases can multiply a small file into millions of keys; no real configuration file has this many. */
    static final int MAX_KEYS = 250_000;
    // flattening recursion bound; also stops self-referencing (recursive) aliases
    private static final int MAX_DEPTH = 100;

    private YamlParser() {
    }

    static ParseResult parse(byte[] bytes) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(Math.max(CommitFiles.MAX_FILE_BYTES, 1));
        options.setAllowRecursiveKeys(false);
        Constructor constructor = new Constructor(options);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(constructor, new Representer(dumper), dumper, options, new NoTimestampResolver());
        List<Document> documents = new ArrayList<>();
        int line = 0;
        try {
            for (Node node : yaml.composeAll(new UnicodeReader(new ByteArrayInputStream(bytes)))) {
                line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
                Object data = constructor.construct(node);
                if (data == null || (data instanceof CharSequence cs && cs.isEmpty())) {
                    continue; // an empty document is no document (Spring Boot)
                }
                Map<String, Object> flat = new LinkedHashMap<>();
                if (data instanceof Map<?, ?> map && !map.isEmpty()) {
                    flatten(flat, map, "", 0);
                } else {
                    put(flat, "document", data, 0);
                }
                documents.add(Document.of(documents.size(), flat));
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            return new ParseResult.Failed(mark == null ? 0 : mark.getLine() + 1, message(e));
        } catch (YAMLException | IllegalArgumentException e) {
            return new ParseResult.Failed(line, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return new ParseResult.Parsed(documents);
    }

    // problem + context without SnakeYAML's multi-line source snippet
    private static String message(MarkedYAMLException e) {
        StringBuilder sb = new StringBuilder();
        if (e.getContext() != null) {
            sb.append(e.getContext()).append(": ");
        }
        sb.append(e.getProblem() == null ? "malformed YAML" : e.getProblem());
        return sb.toString().replaceAll("\\s+", " ").trim();
    }

    private static void flatten(Map<String, Object> out, Map<?, ?> source, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("structure nested deeper than " + MAX_DEPTH + " levels (recursive alias?)");
        }
        for (Map.Entry<?, ?> e : source.entrySet()) {
            String key = key(e.getKey());
            if (!path.isEmpty()) {
                key = key.startsWith("[") ? path + key : path + "." + key;
            }
            put(out, key, e.getValue(), depth);
        }
    }

    private static void put(Map<String, Object> out, String key, Object value, int depth) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            flatten(out, map, key, depth + 1);
        } else if (value instanceof Collection<?> list && !list.isEmpty()) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("structure nested deeper than " + MAX_DEPTH + " levels (recursive alias?)");
            }
            int i = 0;
            for (Object element : list) {
                put(out, key + "[" + i++ + "]", element, depth + 1);
            }
        } else {
            if (out.size() >= MAX_KEYS) {
                throw new IllegalArgumentException("document expands to more than " + MAX_KEYS + " keys (alias bomb?)");
            }
            out.put(key, leaf(value));
        }
    }

    // Spring Boot keeps an empty collection as a value (it can override a list with an empty one)
    private static Object leaf(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?>) {
            return Map.of();
        }
        if (value instanceof Collection<?>) {
            return List.of();
        }
        return value;
    }

    private static String key(Object key) {
        if (key instanceof CharSequence cs) {
            return cs.toString();
        }
        if (key == null) {
            throw new IllegalArgumentException("a mapping key is null");
        }
        return "[" + key + "]";
    }

    /** Exposes document construction so documents can be composed (with their line) one at a time. */
    private static final class Constructor extends SafeConstructor {
        Constructor(LoaderOptions options) {
            super(options);
        }

        Object construct(Node node) {
            return constructDocument(node);
        }
    }

    /** Spring Boot leaves timestamps as strings. */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first) {
            if (tag != Tag.TIMESTAMP) {
                super.addImplicitResolver(tag, regexp, first);
            }
        }

        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (tag != Tag.TIMESTAMP) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }
}
