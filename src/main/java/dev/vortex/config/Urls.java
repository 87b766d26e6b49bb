package dev.vortex.config;

import java.net.URI;
import java.util.Locale;

/** URL helpers that keep credentials out of everything shown: logs, status, errors, metrics. */
public final class Urls {
    private Urls() {
    }

    /** The URL with any user-info removed ({@code https://user:tok@host/x} → {@code https://host/x}). */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url; // scp-like git@host:path names a user, never a secret
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int end = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', end - 1);
        if (at >= start) {
            return url.substring(0, start) + url.substring(at + 1);
        }
        return url;
    }

    /** The host ("domain") a URL talks to; {@code local} for file URLs. Used to group URLs for throttling. */
    public static String host(String url) {
        String u = redact(url);
        if (!u.contains("://")) {
            int at = u.indexOf('@');
            int colon = u.indexOf(':', at + 1);
            return u.substring(at + 1, colon < 0 ? u.length() : colon).toLowerCase(Locale.ROOT);
        }
        try {
            URI uri = URI.create(u);
            if (uri.getHost() == null) {
                return "local";
            }
            String h = uri.getHost().toLowerCase(Locale.ROOT);
            return uri.getPort() > 0 ? h + ":" + uri.getPort() : h;
        } catch (IllegalArgumentException e) {
            return "unknown";
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
