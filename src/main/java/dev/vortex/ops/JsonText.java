package dev.vortex.ops;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * JSON of maps, lists, strings, booleans, whole numbers and nulls, byte for byte as {@link Json#mapper()}
 * writes them, without databind: the probes ({@code /health}, {@code /ready}) answer with it, so the
 * first of them after a start does not wait for databind's set-up (~30 ms of CPU), and each costs less.
 */
public final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {
    }

    /** {@code value} as UTF-8 JSON; anything but the types above is an {@link IllegalArgumentException}. */
    public static byte[] bytes(Object value) {
        StringBuilder out = new StringBuilder(128);
        write(out, value);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    // instanceof, not a switch on the type: such a switch generates a class at its first use, the first probe's
    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(out, s);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String comma = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(comma);
                quote(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
                comma = ",";
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            String comma = "";
            for (Object item : list) {
                out.append(comma);
                write(out, item);
                comma = ",";
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not written as JSON text: " + value.getClass().getName());
        }
    }

    // Jackson's escapes: the quote, the backslash, \b \t \n \f \r; other control characters and each half
    // of a character beyond the BMP (an emoji is two escapes, as Jackson writes it) as backslash, u, 4 hex digits
    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
