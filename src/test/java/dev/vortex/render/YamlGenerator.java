package dev.vortex.render;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random YAML files for the differential test: block and flow maps and lists nested in each
 * other, empty maps and lists (also inside lists), nulls, odd keys (dots, brackets, numbers,
 * booleans, empty), YAML 1.1 scalars, block scalars, anchors, aliases, merge keys, comments and
 * multi-document files. Null keys, and non-string keys inside lists (which Spring's flattening
 * throws on), come only in one document out of eight, so most files load in Spring.
 */
final class YamlGenerator {
    private static final String[] WORDS = {"name", "port", "url", "enabled", "x", "ünï", "a.b", "x-y", "under_score",
            "camelCase", "servers", "list", "db", "spring"};
    private static final String[] ODD_KEYS = {"\"[weird]\"", "\"a[0]\"", "'quoted key'", "\"with space\"", "\"\"",
            "\"a.b[1]\"", "'[0]'", "\" \"", "2024-01-01", "\"x.\"", "a b"};
    private static final String[] NON_STRING_KEYS = {"1", "0", "-3", "0x1F", "1.5", "true", "off", "Yes", "12345678901",
            "017", ".inf"};
    private static final String[] NULL_KEYS = {"~", "null", "Null"};
    private static final String[] SCALARS = {"hello", "hello world", "42", "-7", "+12", "0x1F", "017", "0o17", "0b1011",
            "1_000", "1:30", "190:20:30", "3.14", "-0.5", "1e3", "1.0e+3", "6.02e23", ".inf", "-.Inf", ".NaN", "12345678901",
            "123456789012345678901234", "true", "False", "yes", "No", "on", "OFF", "y", "n", "~", "null", "Null", "NULL",
            "2024-01-01", "2024-01-01T10:00:00Z", "'42'", "\"quoted\"", "\"tab\\there\"", "\"\\u00e9t\\u00e9\"", "'it''s'",
            "a#b", "http://x.y/z?q=1", "${placeholder}", "\"${a:b}\"", "'multi word'", "\"\"", "''", "0.", "1.", ".5",
            "+.5", "0777", "08", "0xFF_FF", "1__0", "=", "'a, b'", "\"[x]\"", "0.0", "-0", "2147483648", "9223372036854775808",
            "1.7976931348623157e+309", "é", "ÿ plain", "'line\n  folded'"};

    private final Random random;
    private final List<String[]> anchors = new ArrayList<>(); // completed: {name, kind}
    private int anchorCount;
    private int aliasCount;

    YamlGenerator(Random random) {
        this.random = random;
    }

    String file() {
        StringBuilder sb = new StringBuilder();
        int docs = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1;
        for (int d = 0; d < docs; d++) {
            anchors.clear();
            aliasCount = 0;
            if (d > 0 || random.nextInt(10) == 0) {
                sb.append(random.nextInt(5) == 0 ? "--- # doc\n" : "---\n");
            }
            boolean exotic = random.nextInt(8) == 0;
            switch (random.nextInt(20)) {
                case 0 -> sb.append("{}\n");
                case 1 -> sb.append(scalar(false)).append('\n');
                case 2 -> lines(sb, list(0, 3, exotic, true), 0);
                case 3 -> sb.append("# only a comment\n");
                case 4 -> sb.append(flowMap(2, exotic, false)).append('\n');
                case 5 -> sb.append("~\n");
                default -> lines(sb, map(0, 3, exotic, false), 0);
            }
            if (random.nextInt(10) == 0) {
                sb.append("...\n");
            }
        }
        return sb.toString();
    }

    private static void lines(StringBuilder sb, List<String> lines, int unused) {
        for (String l : lines) {
            sb.append(l).append('\n');
        }
    }

    private static String pad(int n) {
        return " ".repeat(n);
    }

    private String key(boolean exotic, boolean inList, Set<String> used) {
        for (int i = 0; i < 10; i++) {
            int r = random.nextInt(20);
            String k;
            if (exotic && r == 0) {
                k = NULL_KEYS[random.nextInt(NULL_KEYS.length)];
            } else if (r < 4 && (!inList || exotic)) {
                k = NON_STRING_KEYS[random.nextInt(NON_STRING_KEYS.length)];
            } else if (r < 7) {
                k = ODD_KEYS[random.nextInt(ODD_KEYS.length)];
            } else {
                k = WORDS[random.nextInt(WORDS.length)];
            }
            if (used.add(k.toLowerCase().replace("'", "").replace("\"", ""))) {
                return k;
            }
        }
        return "k" + used.size() + "_" + random.nextInt(1000);
    }

    private String scalar(boolean flow) {
        String s = SCALARS[random.nextInt(SCALARS.length)];
        if (flow && (s.isEmpty() || s.contains("\n") || s.equals("a#b") || s.contains("?"))) {
            return "plain";
        }
        if (!flow && random.nextInt(15) == 0) {
            return s + " # comment";
        }
        return s;
    }

    private String anchor(String kind) {
        if (random.nextInt(8) != 0) {
            return null;
        }
        return "a" + (anchorCount++);
    }

    private String alias(String kind) {
        if (aliasCount >= 8 || random.nextInt(6) != 0) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String[] a : anchors) {
            if (kind == null || a[1].equals(kind)) {
                names.add(a[0]);
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        aliasCount++;
        return "*" + names.get(random.nextInt(names.size()));
    }

    /** A block map at {@code indent}: its lines. */
    private List<String> map(int indent, int depth, boolean exotic, boolean inList) {
        List<String> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        int n = 1 + random.nextInt(4);
        if (random.nextInt(6) == 0) {
            String merge = alias("map");
            if (merge != null) {
                out.add(pad(indent) + "<<: " + merge);
            }
        }
        for (int i = 0; i < n; i++) {
            String head = pad(indent) + key(exotic, inList, used) + ":";
            value(out, head, indent, depth, exotic, inList);
        }
        return out;
    }

    /** Appends {@code head} followed by a value (inline, or on the following lines). */
    private void value(List<String> out, String head, int indent, int depth, boolean exotic, boolean inList) {
        String alias = alias(null);
        if (alias != null) {
            out.add(head + " " + alias);
            return;
        }
        int r = depth <= 0 ? random.nextInt(6) : random.nextInt(14);
        switch (r) {
            case 0, 1, 2 -> out.add(head + " " + scalar(false));
            case 3 -> out.add(head);
            case 4 -> out.add(head + " " + tag(anchor("map"), "map") + "{}");
            case 5 -> out.add(head + " " + tag(anchor("list"), "list") + "[]");
            case 6, 7 -> {
                String a = anchor("map");
                out.add(head + (a == null ? "" : " &" + a));
                out.addAll(map(indent + 2, depth - 1, exotic, inList));
                done(a, "map");
            }
            case 8, 9 -> {
                String a = anchor("list");
                out.add(head + (a == null ? "" : " &" + a));
                out.addAll(list(random.nextBoolean() ? indent : indent + 2, depth - 1, exotic, inList));
                done(a, "list");
            }
            case 10 -> out.add(head + " " + flowMap(depth - 1, exotic, inList));
            case 11 -> out.add(head + " " + flowList(depth - 1, exotic));
            case 12 -> {
                out.add(head + " " + new String[] {"|", "|-", ">", ">+", "|2"}[random.nextInt(5)]);
                out.add(pad(indent + 2) + "first line");
                if (random.nextBoolean()) {
                    out.add(pad(indent + 2) + "  second: line");
                }
            }
            default -> {
                String a = anchor("scalar");
                out.add(head + " " + (a == null ? "" : "&" + a + " ") + scalar(false).replace(" # comment", ""));
                done(a, "scalar");
            }
        }
    }

    private String tag(String anchor, String kind) {
        if (anchor == null) {
            return "";
        }
        done(anchor, kind);
        return "&" + anchor + " ";
    }

    private void done(String anchor, String kind) {
        if (anchor != null) {
            anchors.add(new String[] {anchor, kind});
        }
    }

    /** A block list at {@code indent}. */
    private List<String> list(int indent, int depth, boolean exotic, boolean top) {
        List<String> out = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String dash = pad(indent) + "-";
            int r = depth <= 0 ? random.nextInt(5) : random.nextInt(9);
            switch (r) {
                case 0, 1 -> out.add(dash + " " + scalar(false));
                case 2 -> out.add(dash);
                case 3 -> out.add(dash + " {}");
                case 4 -> out.add(dash + " []");
                case 5, 6 -> {
                    List<String> m = map(indent + 2, depth - 1, exotic, true);
                    out.add(dash + " " + m.get(0).substring(indent + 2));
                    out.addAll(m.subList(1, m.size()));
                }
                case 7 -> {
                    List<String> l = list(indent + 2, depth - 1, exotic, false);
                    out.add(dash + " " + l.get(0).substring(indent + 2));
                    out.addAll(l.subList(1, l.size()));
                }
                default -> out.add(dash + " " + (random.nextBoolean() ? flowMap(depth - 1, exotic, true) : flowList(depth - 1, exotic)));
            }
        }
        return out;
    }

    private String flowMap(int depth, boolean exotic, boolean inList) {
        StringBuilder sb = new StringBuilder("{");
        Set<String> used = new HashSet<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(key(exotic, inList, used)).append(": ").append(flowValue(depth, exotic, inList));
        }
        return sb.append('}').toString();
    }

    private String flowList(int depth, boolean exotic) {
        StringBuilder sb = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(flowValue(depth, exotic, true));
        }
        return sb.append(']').toString();
    }

    private String flowValue(int depth, boolean exotic, boolean inList) {
        String alias = alias(null);
        if (alias != null) {
            return alias;
        }
        int r = depth <= 0 ? random.nextInt(3) : random.nextInt(6);
        return switch (r) {
            case 0, 1 -> scalar(true);
            case 2 -> random.nextBoolean() ? "{}" : "[]";
            case 3 -> flowMap(depth - 1, exotic, inList);
            case 4 -> flowList(depth - 1, exotic);
            default -> {
                String a = "a" + (anchorCount++);
                String v = scalar(true);
                done(a, "scalar");
                yield "&" + a + " " + v;
            }
        };
    }
}
