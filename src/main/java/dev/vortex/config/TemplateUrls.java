package dev.vortex.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a template's URLs (a repository whose URLs hold {@code {application}}): the placeholder
 * only in the path, never in the scheme, user or host, so an application name can choose a
 * repository on the configured host and nothing else; no other placeholder; all URLs or none.
 */
final class TemplateUrls {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private TemplateUrls() {
    }

    /** The problems of one repository's URLs, each naming the URL (redacted). */
    static List<String> problems(List<String> urls) {
        List<String> problems = new ArrayList<>();
        boolean anyTemplate = urls.stream().anyMatch(u -> u.contains(RepoConfig.APPLICATION));
        for (String url : urls) {
            String shown = "\"" + Names.printable(Urls.redact(url)) + "\"";
            Matcher m = PLACEHOLDER.matcher(url);
            while (m.find()) {
                if (!m.group().equals(RepoConfig.APPLICATION)) {
                    problems.add(shown + ": placeholder " + m.group() + " is not supported in a URL (only {application}; "
                            + "{profile} and {label} are supported in search-paths)");
                }
            }
            int first = url.indexOf(RepoConfig.APPLICATION);
            if (first >= 0 && first < pathStart(url)) {
                problems.add(shown + ": {application} is in the scheme, user or host part; it may only be in the path "
                        + "(an application name must never choose the host)");
            }
            if (anyTemplate && first < 0) {
                problems.add(shown + ": every URL of a per-application repository must hold {application}");
            }
        }
        return problems;
    }

    /** The URL with {@code {application}} filled by a plain name, for the ordinary URL check. */
    static String sample(String url) {
        return url.replace(RepoConfig.APPLICATION, "app");
    }

    /** Where the path begins: after the authority of {@code scheme://authority/path}, after the colon of {@code user@host:path}. */
    private static int pathStart(String url) {
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            int slash = url.indexOf('/', scheme + 3);
            return slash < 0 ? url.length() : slash;
        }
        int at = url.indexOf('@');
        int colon = url.indexOf(':', at + 1);
        return colon < 0 ? 0 : colon + 1;
    }
}
