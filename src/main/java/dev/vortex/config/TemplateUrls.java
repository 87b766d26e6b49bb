package dev.vortex.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a template's URLs (a repository whose URLs hold {@code {application}}, {@code {profile}}
 * or {@code {label}}): placeholders only in the path, never in the scheme, user or host, so a request
 * can choose a repository on the configured host and nothing else; no other placeholder; every URL
 * (mirrors too) holds the same ones.
 */
final class TemplateUrls {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private TemplateUrls() {
    }

    /** The problems of one repository's URLs, each naming the URL (redacted). */
    static List<String> problems(List<String> urls) {
        List<String> problems = new ArrayList<>();
        List<String> first = held(urls.isEmpty() ? "" : urls.get(0));
        for (String url : urls) {
            String shown = "\"" + Names.printable(Urls.redact(url)) + "\"";
            Matcher m = PLACEHOLDER.matcher(url);
            while (m.find()) {
                if (!RepoConfig.PLACEHOLDERS.contains(m.group())) {
                    problems.add(shown + ": placeholder " + m.group() + " is not supported in a URL (only {application}, {profile}"
                            + " and {label})");
                }
            }
            for (String p : held(url)) {
                if (url.indexOf(p) < pathStart(url)) {
                    problems.add(shown + ": " + p + " is in the scheme, user or host part; it may only be in the path "
                            + "(a request must never choose the host)");
                }
            }
            if (!held(url).equals(first)) {
                problems.add(shown + ": every URL of a per-application repository must hold the same placeholders ("
                        + (first.isEmpty() ? "none" : String.join(", ", first)) + " in the first URL)");
            }
        }
        return problems;
    }

    /** The URL with its placeholders filled by plain values, for the ordinary URL check. */
    static String sample(String url) {
        return url.replace(RepoConfig.APPLICATION, "app").replace(RepoConfig.PROFILE, "default").replace(RepoConfig.LABEL, "main");
    }

    private static List<String> held(String url) {
        return RepoConfig.PLACEHOLDERS.stream().filter(url::contains).toList();
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
