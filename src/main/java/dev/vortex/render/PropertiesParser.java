package dev.vortex.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .properties} files read the way Spring Boot reads them: ISO-8859-1, the
 * {@link java.util.Properties} syntax ({@code =}, {@code :} or whitespace between key and value,
 * {@code \t \n \r \f \\uXXXX} escapes, backslash continuation lines, {@code #} and {@code !}
 * comments), file order kept, {@code key[]=a,b} expanded to {@code key[0]}, {@code key[1]}, and
 * documents separated by a {@code #---} (or {@code !---}) line. Values stay strings.
 */
final class PropertiesParser {
    private PropertiesParser() {
    }

    static ParseResult parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        Reader reader = new Reader(text.replace("\r\n", "\n").replace('\r', '\n'));
        List<Doc> documents = new ArrayList<>();
        Doc document = new Doc();
        // the line of each document's activation key, to name it when the condition is malformed
        Map<Doc, Integer> activationLines = new IdentityHashMap<>();
        try {
            while (reader.read()) {
                if (reader.isCommentPrefix()) {
                    int prefix = reader.ch;
                    if (reader.isNewDocument()) {
                        if (!document.isEmpty()) {
                            documents.add(document);
                        }
                        document = new Doc();
                    } else {
                        // a comment right after a separator joins the previous document again (Spring Boot)
                        if (document.isEmpty() && !documents.isEmpty()) {
                            document = documents.remove(documents.size() - 1);
                        }
                        reader.lastCommentPrefix = prefix;
                        reader.skipComment();
                    }
                } else {
                    reader.lastCommentPrefix = -1;
                    int line = reader.line;
                    String key = keyAndValue(document, reader);
                    if (key.startsWith(Document.ON_PROFILE) || key.equals(Document.LEGACY_PROFILES)) {
                        activationLines.putIfAbsent(document, line);
                    }
                }
            }
            if (!document.isEmpty()) {
                documents.add(document);
            }
        } catch (IllegalArgumentException e) {
            return new ParseResult.Failed(reader.line, e.getMessage());
        }
        List<Document> result = new ArrayList<>(documents.size());
        for (Doc d : documents) {
            try {
                result.add(Document.of(result.size(), d.values, d.origins));
            } catch (IllegalArgumentException e) {
                return new ParseResult.Failed(activationLines.getOrDefault(d, 0), e.getMessage());
            }
        }
        return new ParseResult.Parsed(result);
    }

    /** One document's keys in file order and where each value starts. */
    private static final class Doc {
        final Map<String, Object> values = new LinkedHashMap<>();
        final Map<String, Origin> origins = new LinkedHashMap<>();

        boolean isEmpty() {
            return values.isEmpty();
        }

        void put(String key, Value value) {
            if (!key.isEmpty()) {
                if (values.size() >= YamlParser.MAX_KEYS && !values.containsKey(key)) {
                    throw new IllegalArgumentException("document has more than " + YamlParser.MAX_KEYS + " keys");
                }
                values.put(key, value.text());
                origins.put(key, value.origin());
            }
        }
    }

    private record Value(String text, Origin origin) {
    }

    /** Reads one key/value line (with its continuations) into the document; returns the key. */
    private static String keyAndValue(Doc document, Reader reader) {
        String key = key(reader).trim();
        if (key.endsWith("[]")) {
            key = key.substring(0, key.length() - 2);
            int index = 0;
            do {
                document.put(key + "[" + index++ + "]", value(reader, true));
                if (!reader.isEndOfLine()) {
                    reader.read();
                }
            } while (!reader.isEndOfLine());
        } else {
            document.put(key, value(reader, false));
        }
        return key;
    }

    private static String key(Reader reader) {
        StringBuilder sb = new StringBuilder();
        boolean previousWhitespace = false;
        while (!reader.isEndOfLine()) {
            if (reader.isDelimiter()) {
                reader.read();
                return sb.toString();
            }
            if (!reader.isWhitespace() && previousWhitespace) {
                return sb.toString();
            }
            previousWhitespace = reader.isWhitespace();
            sb.append((char) reader.ch);
            reader.read();
        }
        return sb.toString();
    }

    private static Value value(Reader reader, boolean splitLists) {
        while (reader.isWhitespace() && !reader.isEndOfLine()) {
            reader.read();
        }
        Origin origin = reader.origin();
        StringBuilder sb = new StringBuilder();
        while (!reader.isEndOfLine() && !(splitLists && reader.isListDelimiter())) {
            sb.append((char) reader.ch);
            reader.read();
        }
        return new Value(sb.toString(), origin);
    }

    /** Character reader resolving escapes and continuation lines, tracking column and line. */
    private static final class Reader {
        private final String text;
        private int pos;
        private int column = -1;
        private boolean escaped;
        int ch;
        int line = 1;
        private int nextLine = 1;
        private boolean lastWasChar;
        int lastCommentPrefix = -1;

        Reader(String text) {
            this.text = text;
        }

        private int next() {
            line = nextLine;
            if (pos >= text.length()) {
                if (lastWasChar) {
                    nextLine++; // java.io.LineNumberReader ends an unterminated last line at end of file
                    lastWasChar = false;
                }
                return -1;
            }
            char c = text.charAt(pos++);
            if (c == '\n') {
                nextLine++;
            }
            lastWasChar = c != '\n';
            return c;
        }

        boolean read() {
            escaped = false;
            ch = next();
            column++;
            if (column == 0) {
                skipWhitespace();
            }
            if (ch == '\\') {
                escaped = true;
                readEscaped();
            } else if (ch == '\n') {
                column = -1;
            }
            return ch != -1;
        }

        private void readEscaped() {
            ch = next();
            int i = "trnf".indexOf(ch);
            if (ch != -1 && i >= 0) {
                ch = "\t\r\n\f".charAt(i);
            } else if (ch == '\n') {
                column = -1; // continuation line: its leading whitespace is skipped
                read();
            } else if (ch == 'u') {
                readUnicode();
            }
        }

        private void readUnicode() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int c = next();
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (digit < 0) {
                    throw new IllegalArgumentException("malformed \\uXXXX escape");
                }
                value = (value << 4) + digit;
            }
            ch = value;
        }

        /**
         * Where the current character is, as Spring's reader tells it: the line counts the line
         * breaks read so far (so an empty value at the end of its line is placed on the next
         * line, column 0), the column counts characters read on this line, an escape as one.
         */
        Origin origin() {
            return new Origin(nextLine, column + 1);
        }

        void skipWhitespace() {
            while (isWhitespace()) {
                ch = next();
                column++;
            }
        }

        void skipComment() {
            while (ch != '\n' && ch != -1) {
                ch = next();
            }
            column = -1;
        }

        /** At a comment prefix in column 0: is this line {@code #---} (trailing blanks allowed)? */
        boolean isNewDocument() {
            if (lastCommentPrefix == ch) {
                return false;
            }
            boolean result = column == 0;
            for (int i = 0; i < 3 && result; i++) {
                read();
                result = ch == '-';
            }
            if (!isEndOfLine()) {
                read();
                skipWhitespace();
            }
            return result && isEndOfLine();
        }

        boolean isCommentPrefix() {
            return ch == '#' || ch == '!';
        }

        boolean isWhitespace() {
            return !escaped && (ch == ' ' || ch == '\t' || ch == '\f');
        }

        boolean isEndOfLine() {
            return ch == -1 || (!escaped && ch == '\n');
        }

        boolean isListDelimiter() {
            return !escaped && ch == ',';
        }

        boolean isDelimiter() {
            return !escaped && (ch == '=' || ch == ':');
        }
    }
}
