package dev.vortex.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for typed configuration values. Each throws {@link IllegalArgumentException} with a
 * message of the form {@code "<value>" is not a <kind> (<what is expected>)}.
 */
public final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");

    private Values() {
    }

    public static Duration duration(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            throw bad(s, "duration", "a number with ms, s, m, h or d, e.g. 500ms, 30s, 2m, 6h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    public static long size(String s) {
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches() || m.group(1).length() > 15) {
            throw bad(s, "size", "bytes with an optional unit B, KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), e.g. 64KiB, 4MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return n * switch (unit) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            case "GiB" -> 1024L * 1024 * 1024;
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            default -> 1L;
        };
    }

    /** {@code 10%} → 0.10; 0 % to 100 %. */
    public static double percent(String s) {
        Matcher m = PERCENT.matcher(s.trim());
        if (!m.matches() || Double.parseDouble(m.group(1)) > 100) {
            throw bad(s, "percentage", "0% to 100%, e.g. 10%");
        }
        return Double.parseDouble(m.group(1)) / 100.0;
    }

    public static int port(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(s, "port", "0-65535, 0 picks a free port");
    }

    public static int positiveInt(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(s, "positive whole number", "1 or more");
    }

    public static boolean bool(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(s, "boolean", "true or false");
        };
    }

    public static String host(String s) {
        if (s.isBlank() || !HOST.matcher(s).matches()) {
            throw bad(s, "bind address", "an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0");
        }
        return s;
    }

    public static String logLevel(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        if (!l.equals("debug") && !l.equals("info") && !l.equals("warn") && !l.equals("error")) {
            throw bad(s, "log level", "debug, info, warn or error");
        }
        return l;
    }

    /**
     * A git remote URL: {@code https://}, {@code http://}, {@code file://}, {@code ssh://}, {@code git://}
     * or scp-like {@code user@host:path}.
     */
    public static String gitUrl(String s) {
        String v = s.trim();
        if (v.matches("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+")) {
            return v;
        }
        try {
            URI u = URI.create(v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            boolean remote = scheme.equals("https") || scheme.equals("http") || scheme.equals("ssh") || scheme.equals("git");
            if (remote && u.getHost() != null && u.getPath() != null && u.getPath().length() > 1) {
                return v;
            }
            if (scheme.equals("file") && u.getPath() != null && u.getPath().startsWith("/")) {
                return v;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw bad(Urls.redact(s), "git URL", "https://, http://, ssh://, git://, file:///path or user@host:path");
    }

    private static IllegalArgumentException bad(String value, String kind, String expected) {
        return new IllegalArgumentException("\"" + Names.printable(value) + "\" is not a " + kind + " (" + expected + ")");
    }
}
