package dev.vortex.config;

import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jgit.transport.URIish;

/** URL helpers that keep credentials out of everything shown: logs, status, errors, metrics. */
public final class Urls {
    private Urls() {
    }

    /** The URL with any user-info removed ({@code https://user:tok@host/x} → {@code https://host/x}). */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return userInfo(url).map(u -> {
            int start = url.indexOf("://") + 3;
            return url.substring(0, start) + url.substring(start + u.length() + 1);
        }).orElse(url);
    }

    /**
     * The user-info of a {@code scheme://user:token@host/…} URL, which may hold a secret; empty for
     * none and for scp-like {@code git@host:path}, which names a user, never a secret.
     */
    public static Optional<String> userInfo(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return Optional.empty();
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int end = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', end - 1);
        return at >= start ? Optional.of(url.substring(start, at)) : Optional.empty();
    }

    /** The host ("domain") a URL talks to, with its port if one is given; {@code local} for file URLs. Used to group URLs for throttling. */
    public static String host(String url) {
        return parse(url).map(u -> {
            if (u.getHost() == null) {
                return "local";
            }
            String h = u.getHost().toLowerCase(Locale.ROOT);
            return u.getPort() > 0 ? h + ":" + u.getPort() : h;
        }).orElse("unknown");
    }

    /** The host a URL names, without port, as given; empty for a file URL or a local path. */
    public static String hostName(String url) {
        return parse(url).map(URIish::getHost).orElse("");
    }

    /** The path a URL names, as given (scp-like {@code git@host:org/x.git}: {@code org/x.git}). */
    public static String path(String url) {
        return parse(url).map(URIish::getPath).orElse("");
    }

    // JGit's own parser, so these helpers read every URL form the same way the fetch does
    private static Optional<URIish> parse(String url) {
        try {
            return Optional.of(new URIish(url.strip()));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** How a URL is reached: {@code ssh} (also scp-like {@code user@host:path}), {@code https}, {@code http}, {@code git} or {@code file}. */
    public static String transport(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        int scheme = lower.indexOf("://");
        if (scheme < 0) {
            return lower.startsWith("/") || !lower.contains(":") ? "file" : "ssh";
        }
        String s = lower.substring(0, scheme);
        return s.equals("git+ssh") || s.equals("ssh+git") ? "ssh" : s;
    }

    /** A repository name from a URL: last path segment, {@code .git} dropped, lower-cased, other characters to {@code -}. */
    public static String repoNameOf(String url) {
        String u = redact(url);
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        int cut = Math.max(u.lastIndexOf('/'), u.lastIndexOf(':'));
        String last = u.substring(cut + 1);
        if (last.endsWith(".git")) {
            last = last.substring(0, last.length() - 4);
        }
        String name = last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "repo" : name;
    }
}
