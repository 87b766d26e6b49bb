package dev.vortex.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation of every name that reaches git or the filesystem: repository names, and the
 * application, profile, label and path parts of requests. Each check returns the problem, or
 * empty when the value is acceptable.
 */
public final class Names {
    public static final int MAX_LENGTH = 255;
    private static final Pattern REPO = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-f]{40}");
    /** What an application name put into a template URL may hold: nothing that changes the host or leaves the path. */
    private static final Pattern TEMPLATE_APP = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

    private Names() {
    }

    /** A full commit id as git prints it: 40 lower-case hex digits. */
    public static boolean isCommitId(String s) {
        return s != null && COMMIT_ID.matcher(s).matches();
    }

    /** A label as written in a URL path segment or a WebSocket target: Spring's {@code (_)} stands for {@code /}. */
    public static String decodeLabel(String label) {
        return label.replace("(_)", "/");
    }

    public static Optional<String> checkRepoName(String name) {
        if (name == null || !REPO.matcher(name).matches()) {
            return Optional.of("\"" + printable(name) + "\" is not a repository name ([a-z0-9-]+, at most 63, not starting with -)");
        }
        return Optional.empty();
    }

    /**
     * The name of a repository served: a configured one, or a template's repository
     * ({@code <template>.<values>}, the values separated by {@code ~}, see {@link TemplateKey#id}).
     */
    public static Optional<String> checkServedName(String name) {
        int dot = name == null ? -1 : name.indexOf('.');
        if (dot < 0) {
            return checkRepoName(name);
        }
        Optional<String> problem = checkRepoName(name.substring(0, dot));
        for (String value : name.substring(dot + 1).split(TemplateKey.SEPARATOR, -1)) {
            problem = problem.or(() -> checkTemplateValue("name part", value));
        }
        return problem;
    }

    /** An application name a template puts into its URLs: see {@link #checkTemplateValue}. */
    public static Optional<String> checkTemplateApp(String app) {
        return checkTemplateValue("application name", app);
    }

    /**
     * An application name, profile or label a template puts into its URLs: letters, digits, {@code .},
     * {@code _} and {@code -}, not starting with {@code -} or {@code .}, no {@code ..}, at most 100
     * characters — so it can never change the host ({@code @}, {@code :}), leave the path ({@code /},
     * {@code ..}), smuggle an escape ({@code %}) or an option (a leading {@code -}).
     */
    public static Optional<String> checkTemplateValue(String kind, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(kind + " is empty");
        }
        if (!TEMPLATE_APP.matcher(value).matches() || value.contains("..")) {
            return Optional.of(kind + " '" + printable(value) + "' cannot name a repository: only letters, digits, '.', '_' and '-',"
                    + " not starting with '-' or '.', no '..', at most 100 characters");
        }
        return Optional.empty();
    }

    /**
     * An application, profile or label part: no {@code ..} segment, no leading {@code -}, no NUL or
     * control characters, no backslash, at most 255 characters. Labels may hold {@code /} (after
     * {@code (_)} was replaced), applications and profiles may not.
     */
    public static Optional<String> checkPart(String kind, String value, boolean slashAllowed) {
        if (value == null || value.isEmpty()) {
            return Optional.of(kind + " is empty");
        }
        if (value.length() > MAX_LENGTH) {
            return Optional.of(kind + " is longer than " + MAX_LENGTH + " characters");
        }
        if (value.startsWith("-")) {
            return Optional.of(kind + " '" + printable(value) + "' starts with '-'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.of(kind + " contains a control character");
            }
            if (c == '\\') {
                return Optional.of(kind + " '" + printable(value) + "' contains a backslash");
            }
            if (c == '/' && !slashAllowed) {
                return Optional.of(kind + " '" + printable(value) + "' contains '/'");
            }
        }
        if (value.indexOf('.') < 0 && value.indexOf('/') < 0) {
            return Optional.empty(); // one segment, not empty, neither '.' nor '..'
        }
        for (String seg : value.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".")) {
                return Optional.of(kind + " '" + printable(value) + "' contains a '" + seg + "' segment");
            }
            if (seg.isEmpty() && slashAllowed) {
                return Optional.of(kind + " '" + printable(value) + "' contains an empty segment");
            }
        }
        return Optional.empty();
    }

    /**
     * The first problem with a configuration request: an application, a comma list of profiles
     * (each checked) and a label that may be null (not named).
     */
    public static Optional<String> checkRequest(String app, String profiles, String label) {
        // the first problem, in this order; no list is split when there is no comma (every render checks its target)
        Optional<String> problem = checkPart("application", app, false);
        if (problem.isEmpty()) {
            problem = checkPart("profile", profiles, false);
        }
        if (problem.isEmpty() && app != null && app.indexOf(',') >= 0 && java.util.Arrays.asList(app.split(",", -1)).contains("")) {
            problem = Optional.of("empty application name in '" + printable(app) + "'");
        }
        if (profiles != null) {
            String[] each = profiles.indexOf(',') < 0 ? new String[] {profiles} : profiles.split(",", -1);
            for (int i = 0; i < each.length && problem.isEmpty(); i++) {
                problem = checkPart("profile", each[i].trim(), false);
            }
        }
        return label == null || problem.isPresent() ? problem : checkPart("label", label, true);
    }

    /** A relative path inside a commit's tree: segments checked like labels. */
    public static Optional<String> checkPath(String path) {
        return checkPart("path", path, true);
    }

    /** The value with control characters replaced, cut to 80 characters, for error messages. */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > 80) {
            sb.append('…');
        }
        return sb.toString();
    }
}
