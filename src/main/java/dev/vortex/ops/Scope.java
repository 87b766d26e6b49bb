package dev.vortex.ops;

import dev.vortex.config.Patterns;

/**
 * One permission of a principal: {@code read:<app-pattern>[@<repo>]} (configuration over HTTP),
 * {@code watch:<app-pattern>} (WebSocket subscriptions) or {@code admin} (status, refresh, diff,
 * encrypt/decrypt). Application patterns are globs with {@code *}, matched case-sensitively
 * against the decoded application name, as repositories match them.
 *
 * @param repo the repository a read scope is limited to, or null for any
 */
public record Scope(Kind kind, String appPattern, String repo) {
    public enum Kind { READ, WATCH, ADMIN }

    public static final Scope ADMIN = new Scope(Kind.ADMIN, null, null);

    /** Parses a scope; the exception's message says what is wrong (never a credential). */
    public static Scope parse(String text) {
        if (text.equals("admin")) {
            return ADMIN;
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        switch (kind) {
            case "read" -> {
                int at = rest.indexOf('@');
                String app = at < 0 ? rest : rest.substring(0, at);
                String repo = at < 0 ? null : rest.substring(at + 1);
                checkPattern(text, app);
                if (repo != null && !repo.matches("[a-z0-9-]+")) {
                    throw new IllegalArgumentException("scope \"" + text + "\": repository after '@' must be [a-z0-9-]+");
                }
                return new Scope(Kind.READ, app, repo);
            }
            case "watch" -> {
                checkPattern(text, rest);
                return new Scope(Kind.WATCH, rest, null);
            }
            default -> throw new IllegalArgumentException("scope \"" + text
                    + "\" is not read:<app-pattern>[@<repo>], watch:<app-pattern> or admin");
        }
    }

    private static void checkPattern(String text, String pattern) {
        if (pattern.isEmpty() || !pattern.matches("[A-Za-z0-9._*-]+")) {
            throw new IllegalArgumentException("scope \"" + text + "\": the application pattern must be letters, digits, . _ - and *");
        }
    }

    boolean reads(String app, String repoName) {
        return kind == Kind.READ && Patterns.matches(appPattern, app) && (repo == null || repoName == null || repo.equals(repoName));
    }

    boolean watches(String app) {
        return kind == Kind.WATCH && Patterns.matches(appPattern, app);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ADMIN -> "admin";
            case WATCH -> "watch:" + appPattern;
            case READ -> "read:" + appPattern + (repo == null ? "" : "@" + repo);
        };
    }
}
