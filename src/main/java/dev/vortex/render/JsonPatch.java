package dev.vortex.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vortex.ops.Json;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 6902 patches between two flattened configurations (key → scalar). Keys become RFC 6901
 * pointers {@code /} + key with {@code ~} → {@code ~0} and {@code /} → {@code ~1}. Removes come
 * first (in the old order), then adds and replaces (in the new order), so applying the patch to
 * {@code from} gives exactly {@code to}.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    public static ArrayNode diff(Map<String, ?> from, Map<String, ?> to) {
        ArrayNode ops = Json.mapper().createArrayNode();
        for (String key : from.keySet()) {
            if (!to.containsKey(key)) {
                ops.addObject().put("op", "remove").put("path", pointer(key));
            }
        }
        for (Map.Entry<String, ?> e : to.entrySet()) {
            boolean had = from.containsKey(e.getKey());
            if (had && same(from.get(e.getKey()), e.getValue())) {
                continue;
            }
            ObjectNode op = ops.addObject();
            op.put("op", had ? "replace" : "add").put("path", pointer(e.getKey()));
            op.set("value", node(e.getValue()));
        }
        return ops;
    }

    /** Applies a patch made by {@link #diff} to a flattened configuration (in place). */
    public static void apply(Map<String, Object> target, JsonNode patch) {
        for (JsonNode op : patch) {
            String key = unpointer(op.path("path").asText());
            switch (op.path("op").asText()) {
                case "remove" -> target.remove(key);
                case "add", "replace" -> target.put(key, Json.mapper().convertValue(op.get("value"), Object.class));
                default -> throw new IllegalArgumentException("unsupported op: " + op.path("op").asText());
            }
        }
    }

    public static String pointer(String key) {
        return "/" + key.replace("~", "~0").replace("/", "~1");
    }

    static String unpointer(String pointer) {
        return pointer.substring(1).replace("~1", "/").replace("~0", "~");
    }

    // the values a configuration holds, made directly: valueToTree goes through a token buffer for each
    private static JsonNode node(Object v) {
        return switch (v) {
            case String s -> Json.mapper().getNodeFactory().textNode(s);
            case Integer i -> Json.mapper().getNodeFactory().numberNode(i);
            case Long l -> Json.mapper().getNodeFactory().numberNode(l);
            case Boolean b -> Json.mapper().getNodeFactory().booleanNode(b);
            case null, default -> Json.mapper().valueToTree(v);
        };
    }

    // a diff compares every key of every re-rendered target: whole numbers without a BigInteger each
    private static boolean same(Object a, Object b) {
        if (integral(a) && integral(b)) {
            return ((Number) a).longValue() == ((Number) b).longValue();
        }
        return Objects.equals(normalize(a), normalize(b));
    }

    private static boolean integral(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    }

    // 5 (Integer) and 5 (Long) are the same configuration value.
    private static Object normalize(Object v) {
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)
                && !(v instanceof java.math.BigDecimal)) {
            return new java.math.BigInteger(n.toString());
        }
        return v;
    }
}
