package dev.vortex.render;

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
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML files read the way Spring Boot's {@code OriginTrackedYamlLoader} and Spring's
 * {@code YamlProcessor} read them: SnakeYAML with a {@link SafeConstructor} (anchors, aliases,
 * merge keys {@code <<}, multi-document files, YAML 1.1 scalars), duplicate keys refused, no
 * timestamp resolution. Every scalar value keeps where it starts; YAML {@code null} and an empty
 * list become {@code ""}, an empty map adds no key, a non-string key {@code k} becomes
 * {@code [k]} ({@code [null]} for {@code ~}), a non-map document sits under the key
 * {@code document}. Spring fails on a null key, or a non-string key inside a list; vortexd serves
 * them. Hostile files hit named limits instead of exhausting memory: aliases, nesting depth, size,
 * and the number of flattened keys.
 */
final class YamlParser {
    static final int MAX_ALIASES = 50;
    static final int MAX_NESTING = 50;
    /** Aliases can multiply a small file into millions of keys; no real configuration file has this many. */
    static final int MAX_KEYS = 250_000;
    // flattening recursion bound; also stops self-referencing (recursive) aliases
    private static final int MAX_DEPTH = 100;
    // only read once made (the composer asks it which tag a scalar has), so one serves every parse
    private static final Resolver RESOLVER = new NoTimestampResolver();

    private YamlParser() {
    }

    /** A scalar value (or an empty list, as {@code ""}) and where its node starts. */
    private record Tracked(Object value, Origin origin) {
        // a complex key (a list) is named by its elements' text, as Spring's tracked values print
        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    /** The flattened keys of one document and their origins. */
    private record Flat(Map<String, Object> values, Map<String, Origin> origins) {
    }

    static ParseResult parse(byte[] bytes) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(Math.max(CommitFiles.MAX_FILE_BYTES, 1));
        options.setAllowRecursiveKeys(false);
        TrackingConstructor constructor = new TrackingConstructor(options);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(constructor, new Representer(dumper), dumper, options, RESOLVER);
        List<Document> documents = new ArrayList<>();
        int line = 0;
        try {
            for (Node node : yaml.composeAll(YamlText.of(bytes))) {
                line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
                Object data = constructor.construct(node);
                if (data == null || (data instanceof Tracked t && t.value() instanceof CharSequence cs && cs.isEmpty())) {
                    continue; // an empty document is no document (Spring Boot); an empty map is one
                }
                Flat flat = new Flat(new LinkedHashMap<>(), new LinkedHashMap<>());
                if (data instanceof Map<?, ?> map) {
                    flatten(flat, asMap(map, 0), "", 0);
                } else {
                    put(flat, "document", data, 0);
                }
                documents.add(Document.of(documents.size(), flat.values(), flat.origins()));
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            return new ParseResult.Failed(mark == null ? line : mark.getLine() + 1, message(e));
        } catch (Limit e) {
            return new ParseResult.Failed(e.line > 0 ? e.line : line, e.getMessage());
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

    /**
     * YamlProcessor.asMap: the maps reached from the document through maps only get string keys
     * before flattening, so two keys naming the same string ({@code 0} and {@code '[0]'}) are one
     * entry: the later value, at the first one's place.
     */
    private static Map<String, Object> asMap(Map<?, ?> source, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Limit("structure nested deeper than " + MAX_DEPTH + " levels (recursive alias?)", 0);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : source.entrySet()) {
            Object value = e.getValue() instanceof Map<?, ?> m ? asMap(m, depth + 1) : e.getValue();
            out.put(key(e.getKey()), value);
        }
        return out;
    }

    // YamlProcessor.buildFlattenedMap: "[k]" keys join their parent without a dot; a blank path is no path
    private static void flatten(Flat out, Map<?, ?> source, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Limit("structure nested deeper than " + MAX_DEPTH + " levels (recursive alias?)", 0);
        }
        for (Map.Entry<?, ?> e : source.entrySet()) {
            put(out, join(path, key(e.getKey())), e.getValue(), depth);
        }
    }

    private static String join(String path, String key) {
        if (path.isBlank()) {
            return key;
        }
        return key.startsWith("[") ? path + key : path + "." + key;
    }

    private static void put(Flat out, String key, Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            flatten(out, map, key, depth + 1); // an empty map adds nothing
        } else if (value instanceof Collection<?> list) {
            if (depth > MAX_DEPTH) {
                throw new Limit("structure nested deeper than " + MAX_DEPTH + " levels (recursive alias?)", 0);
            }
            if (list.isEmpty()) {
                leaf(out, key, "", null); // an empty !!set; an empty sequence is already a tracked ""
            }
            int i = 0;
            for (Object element : list) {
                put(out, join(key, "[" + i++ + "]"), element, depth + 1);
            }
        } else if (value instanceof Tracked t) {
            leaf(out, key, t.value(), t.origin());
        } else {
            leaf(out, key, value == null ? "" : value, null);
        }
    }

    private static void leaf(Flat out, String key, Object value, Origin origin) {
        if (out.values().size() >= MAX_KEYS && !out.values().containsKey(key)) {
            throw new Limit("document expands to more than " + MAX_KEYS + " keys (alias bomb?)",
                    origin == null ? 0 : origin.line());
        }
        out.values().put(key, value);
        if (origin != null) {
            out.origins().put(key, origin);
        } else {
            out.origins().remove(key);
        }
    }

    // YamlProcessor.asMap: a string key as is, any other as [key]
    private static String key(Object key) {
        return key instanceof CharSequence cs ? cs.toString() : "[" + key + "]";
    }

    /** A bound hit while flattening, with the line of the value that crossed it when known. */
    private static final class Limit extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        final int line;

        Limit(String message, int line) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /**
     * Spring Boot's {@code OriginTrackingConstructor}: scalar values (not keys) and empty
     * sequences are wrapped with the start of their node; an alias shares its anchor's node, so
     * its origin. Exposes document construction so documents can be composed one at a time.
     */
    private static final class TrackingConstructor extends SafeConstructor {
        TrackingConstructor(LoaderOptions options) {
            super(options);
        }

        Object construct(Node node) {
            return constructDocument(node);
        }

        @Override
        protected Object constructObject(Node node) {
            if (node instanceof SequenceNode sequence && sequence.getValue().isEmpty()) {
                return tracked(node, "");
            }
            if (node instanceof ScalarNode && !(node instanceof KeyScalarNode)) {
                return tracked(node, super.constructObject(node));
            }
            if (node instanceof MappingNode mapping) {
                List<NodeTuple> tuples = new ArrayList<>(mapping.getValue().size());
                for (NodeTuple t : mapping.getValue()) {
                    Node k = t.getKeyNode();
                    tuples.add(new NodeTuple(k instanceof ScalarNode s ? new KeyScalarNode(s) : k, t.getValueNode()));
                }
                mapping.setValue(tuples);
            }
            return super.constructObject(node);
        }

        private static Tracked tracked(Node node, Object value) {
            Mark mark = node.getStartMark();
            return new Tracked(value == null ? "" : value, new Origin(mark.getLine() + 1, mark.getColumn() + 1));
        }
    }

    /** A mapping key's scalar: constructed plainly, never tracked. */
    private static final class KeyScalarNode extends ScalarNode {
        KeyScalarNode(ScalarNode node) {
            super(node.getTag(), node.getValue(), node.getStartMark(), node.getEndMark(), node.getScalarStyle());
        }
    }

    /** Spring Boot leaves timestamps as strings. */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (tag != Tag.TIMESTAMP) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }
}
