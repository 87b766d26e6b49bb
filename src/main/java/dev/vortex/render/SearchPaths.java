package dev.vortex.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directories of a commit that configuration is read from: the root, then each configured
 * search path (later ones rank higher), as Spring Cloud Config's JGit repository resolves them.
 * A search path may hold {@code {application}}, {@code {profile}} and {@code {label}} and the
 * wildcards {@code *} and {@code ?} within a segment; only directories the commit has count.
 */
final class SearchPaths {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(application|profile|label)}");
    // a '*' or '?' inside a request's app, profile or label is literal, never a wildcard
    private static final char LITERAL_STAR = '\uE000';
    private static final char LITERAL_QUESTION = '\uE001';

    private SearchPaths() {
    }

    /** A directory a template matched, with the values its placeholders matched there. */
    record Match(String dir, Map<String, String> placeholders) {
    }

    /**
     * The locations for one request, lowest precedence first: {@code ""} (the root), then each
     * search path expanded once per profile. Duplicates keep their first position.
     */
    static List<String> forRequest(List<String> searchPaths, String app, List<String> profiles, String label,
                                   CommitFiles files) {
        Set<String> out = new LinkedHashSet<>();
        out.add("");
        for (String template : searchPaths) {
            for (String profile : profiles) {
                String value = template.replace("{application}", literal(app)).replace("{profile}", literal(profile))
                        .replace("{label}", literal(label));
                if (value.indexOf('{') >= 0) {
                    continue; // Spring skips a location with an unknown placeholder
                }
                normalize(value).ifPresent(v -> matches(v, files).forEach(m -> out.add(m.dir())));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every directory the root and the search paths can reach for any request, placeholders
     * acting as wildcards (each match remembers what they matched), each directory once.
     */
    static List<Match> every(List<String> searchPaths, CommitFiles files) {
        Map<String, Match> dirs = new LinkedHashMap<>();
        dirs.put("", new Match("", Map.of()));
        for (String template : searchPaths) {
            normalize(template).ifPresent(t -> matches(t, files).forEach(m -> dirs.putIfAbsent(m.dir(), m)));
        }
        return List.copyOf(dirs.values());
    }

    // "/a//b/" → "a/b"; "" for the root; empty when a segment is ".." (nothing outside the tree)
    private static Optional<String> normalize(String path) {
        List<String> segments = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                return Optional.empty();
            }
            segments.add(s);
        }
        return Optional.of(String.join("/", segments));
    }

    private static List<Match> matches(String template, CommitFiles files) {
        List<Match> out = new ArrayList<>();
        if (template.isEmpty()) {
            out.add(new Match("", Map.of()));
            return out;
        }
        walk(template.split("/"), 0, "", Map.of(), files, out);
        return out;
    }

    private static void walk(String[] segments, int i, String dir, Map<String, String> captured, CommitFiles files,
                             List<Match> out) {
        if (i == segments.length) {
            out.add(new Match(dir, captured));
            return;
        }
        String segment = segments[i];
        Optional<CommitFiles.Dir> current = files.dir(dir);
        if (current.isEmpty()) {
            return;
        }
        if (!isPattern(segment)) {
            String name = segment.replace(LITERAL_STAR, '*').replace(LITERAL_QUESTION, '?');
            CommitFiles.Entry e = current.get().entries().get(name);
            if (e != null && e.directory()) {
                walk(segments, i + 1, child(dir, name), captured, files, out);
            }
            return;
        }
        List<String> names = new ArrayList<>();
        Pattern regex = regex(segment, names);
        for (CommitFiles.Entry e : current.get().entries().values()) {
            Matcher m = regex.matcher(e.name());
            if (e.directory() && m.matches()) {
                Map<String, String> next = new HashMap<>(captured);
                for (int g = 0; g < names.size(); g++) {
                    next.putIfAbsent(names.get(g), m.group(g + 1));
                }
                walk(segments, i + 1, child(dir, e.name()), Map.copyOf(next), files, out);
            }
        }
    }

    private static String literal(String value) {
        return value.replace('*', LITERAL_STAR).replace('?', LITERAL_QUESTION);
    }

    private static boolean isPattern(String segment) {
        return segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0 || PLACEHOLDER.matcher(segment).find();
    }

    // glob segment → regex; each placeholder becomes a capturing group, its name appended to names
    private static Pattern regex(String segment, List<String> names) {
        StringBuilder sb = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(segment);
        int last = 0;
        while (m.find()) {
            glob(segment.substring(last, m.start()), sb);
            sb.append("([^/]+?)");
            names.add(m.group(1));
            last = m.end();
        }
        glob(segment.substring(last), sb);
        return Pattern.compile(sb.toString());
    }

    private static void glob(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*') {
                sb.append("[^/]*");
            } else if (c == '?') {
                sb.append("[^/]");
            } else if (c == LITERAL_STAR) {
                sb.append(Pattern.quote("*"));
            } else if (c == LITERAL_QUESTION) {
                sb.append(Pattern.quote("?"));
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
    }

    /** {@code name} in {@code dir} ({@code ""}: the root) as a path of the commit. */
    static String child(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
