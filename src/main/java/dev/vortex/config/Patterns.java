package dev.vortex.config;

/** Glob matching where {@code *} matches any run of characters (including {@code /}); nothing else is special. */
public final class Patterns {
    private Patterns() {
    }

    public static boolean matches(String pattern, String value) {
        return match(pattern, 0, value, 0);
    }

    public static boolean isPattern(String s) {
        return s.indexOf('*') >= 0;
    }

    // Iterative glob with single-star backtracking: linear in practice, no regex compilation per call.
    private static boolean match(String p, int pi, String v, int vi) {
        int star = -1;
        int mark = 0;
        while (vi < v.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = vi;
            } else if (pi < p.length() && p.charAt(pi) == v.charAt(vi)) {
                pi++;
                vi++;
            } else if (star >= 0) {
                pi = star + 1;
                vi = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
