package dev.vortex.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document (RFC 8259) into maps (members in file order; a repeated name: the last one
 * wins, as in Jackson), lists, strings, {@code Long}/{@code Double} numbers, booleans and null.
 * What reads state.json at start: Jackson's databind would first set up its date formats, locale
 * data and number classes, over 100 ms of a 2-core start for a file of a few hundred bytes, and
 * jackson-core's streaming parser alone still cost the start's main thread 28–67 ms at its first
 * use (its factory, constraints and name canonicalizer, interpreted; measured with the start
 * timeline, even after databind's set-up) against 1–6 ms here.
 */
final class JsonReader {
    /** Deeper than any state.json; a limit so that a hostile file fails with an IOException, not a StackOverflowError. */
    static final int MAX_DEPTH = 64;

    private final CharBuffer text;
    private int depth;

    private JsonReader(CharBuffer text) {
        this.text = text;
    }

    /** The document's value; an IOException for bytes that are not one JSON value in UTF-8. */
    static Object read(byte[] utf8) throws IOException {
        CharBuffer text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8));
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8");
        }
        JsonReader reader = new JsonReader(text);
        Object value = reader.value();
        reader.skipSpace();
        if (text.hasRemaining()) {
            throw reader.error("text after the value");
        }
        return value;
    }

    private Object value() throws IOException {
        skipSpace();
        if (!text.hasRemaining()) {
            throw error("end of input");
        }
        char c = text.get(text.position());
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected '" + c + "'");
            }
        };
    }

    private Map<String, Object> object() throws IOException {
        enter();
        Map<String, Object> members = new LinkedHashMap<>();
        text.get(); // '{'
        if (!next('}')) {
            do {
                skipSpace();
                if (!text.hasRemaining() || text.get(text.position()) != '"') {
                    throw error("a member name expected");
                }
                String name = string();
                if (!next(':')) {
                    throw error("':' expected");
                }
                members.put(name, value());
            } while (next(','));
            if (!next('}')) {
                throw error("',' or '}' expected");
            }
        }
        depth--;
        return members;
    }

    private List<Object> array() throws IOException {
        enter();
        List<Object> items = new ArrayList<>();
        text.get(); // '['
        if (!next(']')) {
            do {
                items.add(value());
            } while (next(','));
            if (!next(']')) {
                throw error("',' or ']' expected");
            }
        }
        depth--;
        return items;
    }

    private String string() throws IOException {
        text.get(); // '"'
        StringBuilder s = new StringBuilder();
        while (true) {
            if (!text.hasRemaining()) {
                throw error("unterminated string");
            }
            char c = text.get();
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (!text.hasRemaining()) {
                throw error("unterminated string");
            }
            char e = text.get();
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append(hex4());
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private char hex4() throws IOException {
        if (text.remaining() < 4) {
            throw error("short \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.get(), 16);
            if (d < 0) {
                throw error("bad \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    private Object number() throws IOException {
        int start = text.position();
        accept('-');
        if (!accept('0')) {
            digits();
        }
        boolean integral = true;
        if (accept('.')) {
            integral = false;
            digits();
        }
        if (accept('e') || accept('E')) {
            integral = false;
            if (!accept('+')) {
                accept('-');
            }
            digits();
        }
        String literal = text.duplicate().position(start).limit(text.position()).toString();
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLong) {
                // falls through to a double, as Jackson's asInt/asLong would round it anyway
            }
        }
        return Double.parseDouble(literal);
    }

    private void digits() throws IOException {
        int start = text.position();
        while (text.hasRemaining() && text.get(text.position()) >= '0' && text.get(text.position()) <= '9') {
            text.get();
        }
        if (text.position() == start) {
            throw error("digit expected");
        }
    }

    private Object literal(String word, Object value) throws IOException {
        for (int i = 0; i < word.length(); i++) {
            if (!accept(word.charAt(i))) {
                throw error("'" + word + "' expected");
            }
        }
        return value;
    }

    private void enter() throws IOException {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    /** Skips white space, then consumes {@code c} if it is next. */
    private boolean next(char c) {
        skipSpace();
        return accept(c);
    }

    private boolean accept(char c) {
        if (text.hasRemaining() && text.get(text.position()) == c) {
            text.get();
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (text.hasRemaining()) {
            char c = text.get(text.position());
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            text.get();
        }
    }

    private IOException error(String what) {
        return new IOException("not JSON: " + what + " at character " + text.position());
    }
}
