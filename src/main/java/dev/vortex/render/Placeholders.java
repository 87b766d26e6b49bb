package dev.vortex.render;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Spring's {@code ${…}} placeholders: {@code ${key}}, {@code ${key:default}} (the first top-level
 * {@code :} splits), nesting in keys and defaults ({@code ${a.${b}}}), values resolved again,
 * {@code \$} for a literal {@code $}. An unresolvable or circular placeholder is left as written,
 * as Spring's lenient resolution does; it never loops.
 */
final class Placeholders {
    private static final int MAX_DEPTH = 32;

    private Placeholders() {
    }

    /** {@code text} with its placeholders resolved through {@code lookup} (null = unknown key). */
    static String resolve(String text, Function<String, Object> lookup) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        return resolve(text, lookup, new HashSet<>(), 0);
    }

    private static String resolve(String text, Function<String, Object> lookup, Set<String> visiting, int depth) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (c != '$' || i + 1 >= text.length() || text.charAt(i + 1) != '{') {
                out.append(c);
                i++;
                continue;
            }
            int end = closing(text, i + 2);
            if (end < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(placeholder(text.substring(i, end + 1), text.substring(i + 2, end), lookup, visiting, depth));
            i = end + 1;
        }
        return out.toString();
    }

    private static String placeholder(String whole, String content, Function<String, Object> lookup, Set<String> visiting,
                                      int depth) {
        if (depth >= MAX_DEPTH) {
            return whole;
        }
        int sep = separator(content);
        String key = resolve(sep < 0 ? content : content.substring(0, sep), lookup, visiting, depth + 1);
        if (visiting.contains(key)) {
            return whole; // circular: leave it as written
        }
        Object value = lookup.apply(key);
        if (value != null) {
            visiting.add(key);
            try {
                return resolve(String.valueOf(value), lookup, visiting, depth + 1);
            } finally {
                visiting.remove(key);
            }
        }
        if (sep >= 0) {
            return resolve(content.substring(sep + 1), lookup, visiting, depth + 1);
        }
        return whole;
    }

    // index of the '}' closing the placeholder whose content starts at from, -1 when none
    private static int closing(String text, int from) {
        int nested = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                nested++;
            } else if (c == '}') {
                if (nested == 0) {
                    return i;
                }
                nested--;
            }
        }
        return -1;
    }

    // first ':' outside nested braces
    private static int separator(String content) {
        int nested = 0;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '{') {
                nested++;
            } else if (c == '}') {
                nested--;
            } else if (c == ':' && nested == 0) {
                return i;
            }
        }
        return -1;
    }
}
