package dev.vortex.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spring Cloud Config's merged view of an {@link Environment}. Sources are overlaid from the
 * lowest precedence up; a plain key is overwritten by higher sources, but a list
 * ({@code name[i]…} keys) is taken whole from the highest source that defines any element of it,
 * and lists come after the plain keys. {@code spring.profiles} is dropped.
 */
final class Merge {
    private Merge() {
    }

    /** The merged flattened keys in Spring's order (what the {@code .properties} view prints). */
    static Map<String, Object> flat(Environment env) {
        Map<String, Object> combined = new LinkedHashMap<>();
        // list prefix (the key before its first '[') → that list's keys from the highest source so far
        Map<String, Map<String, Object>> lists = new LinkedHashMap<>();
        List<Environment.PropertySource> sources = env.propertySources();
        for (int s = sources.size() - 1; s >= 0; s--) {
            Map<String, Map<String, Object>> listsHere = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : sources.get(s).source().entrySet()) {
                int bracket = e.getKey().indexOf('[');
                if (bracket < 0) {
                    combined.put(e.getKey(), e.getValue());
                } else {
                    listsHere.computeIfAbsent(e.getKey().substring(0, bracket), k -> new LinkedHashMap<>())
                            .put(e.getKey(), e.getValue());
                }
            }
            lists.putAll(listsHere);
        }
        lists.values().forEach(combined::putAll);
        combined.remove(Document.LEGACY_PROFILES);
        return combined;
    }

    /**
     * For each key of {@link #flat}, the index in {@code env.propertySources()} of the source its
     * value comes from, by the same rules.
     */
    static Map<String, Integer> winners(Environment env) {
        Map<String, Integer> combined = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> lists = new LinkedHashMap<>();
        List<Environment.PropertySource> sources = env.propertySources();
        for (int s = sources.size() - 1; s >= 0; s--) {
            Map<String, Map<String, Integer>> listsHere = new LinkedHashMap<>();
            for (String key : sources.get(s).source().keySet()) {
                int bracket = key.indexOf('[');
                if (bracket < 0) {
                    combined.put(key, s);
                } else {
                    listsHere.computeIfAbsent(key.substring(0, bracket), k -> new LinkedHashMap<>()).put(key, s);
                }
            }
            lists.putAll(listsHere);
        }
        lists.values().forEach(combined::putAll);
        combined.remove(Document.LEGACY_PROFILES);
        return combined;
    }

    /** The merged keys with every String value's placeholders resolved against the environment. */
    static Map<String, Object> resolved(Map<String, Object> flat, Environment env) {
        Map<String, Object> out = new LinkedHashMap<>(flat.size() * 4 / 3 + 1);
        flat.forEach((k, v) -> out.put(k, v instanceof String s ? Placeholders.resolve(s, env::lookup) : v));
        return out;
    }

    /**
     * Flattened keys back to nested maps and lists ({@code a.b[1].c}), as the {@code .json} and
     * {@code .yml} views show them; missing list elements are null. A key that does not fit the
     * structure built so far (e.g. {@code a} and {@code a.b}) replaces it rather than failing.
     */
    static Map<String, Object> nested(Map<String, Object> flat) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            setIn(root, e.getKey(), e.getValue());
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void setIn(Map<String, Object> root, String key, Object value) {
        List<Object> path = path(key);
        Object container = root;
        for (int i = 0; i < path.size(); i++) {
            Object step = path.get(i);
            boolean last = i == path.size() - 1;
            Object next = last ? null : path.get(i + 1) instanceof Integer ? new ArrayList<>() : new LinkedHashMap<>();
            if (container instanceof Map<?, ?> m) {
                Map<String, Object> map = (Map<String, Object>) m;
                String k = (String) step;
                if (last) {
                    map.put(k, value);
                    return;
                }
                Object existing = map.get(k);
                if (!sameKind(existing, next)) {
                    map.put(k, next);
                    existing = next;
                }
                container = existing;
            } else {
                List<Object> list = (List<Object>) container;
                int index = (Integer) step;
                while (list.size() <= index) {
                    list.add(null);
                }
                if (last) {
                    list.set(index, value);
                    return;
                }
                Object existing = list.get(index);
                if (!sameKind(existing, next)) {
                    list.set(index, next);
                    existing = next;
                }
                container = existing;
            }
        }
    }

    // only containers built here can grow
    private static boolean sameKind(Object existing, Object wanted) {
        return wanted instanceof LinkedHashMap ? existing instanceof LinkedHashMap : existing instanceof ArrayList;
    }

    // "a.b[1][2].c" → ["a", "b", 1, 2, "c"]; a malformed part stays a plain map key
    private static List<Object> path(String key) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        int n = key.length();
        StringBuilder name = new StringBuilder();
        while (i < n) {
            char c = key.charAt(i);
            if (c == '.') {
                if (name.length() > 0) {
                    out.add(name.toString());
                    name.setLength(0);
                }
                i++;
            } else if (c == '[') {
                int close = key.indexOf(']', i);
                Integer index = close < 0 ? null : index(key.substring(i + 1, close));
                if (index == null || (out.isEmpty() && name.length() == 0)) {
                    name.append(c);
                    i++;
                    continue;
                }
                if (name.length() > 0) {
                    out.add(name.toString());
                    name.setLength(0);
                }
                out.add(index);
                i = close + 1;
            } else {
                name.append(c);
                i++;
            }
        }
        if (name.length() > 0 || out.isEmpty()) {
            out.add(name.toString());
        }
        return out;
    }

    private static Integer index(String digits) {
        if (digits.isEmpty() || digits.length() > 5) {
            return null; // big indexes would allocate huge lists
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return null;
            }
        }
        return Integer.parseInt(digits);
    }
}
