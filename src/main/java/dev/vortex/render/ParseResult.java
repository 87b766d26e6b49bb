package dev.vortex.render;

import java.util.List;

/** What parsing one blob gave: its documents, or the problem. Immutable, cached by blob id. */
sealed interface ParseResult {

    /** The file's non-empty documents in file order. */
    record Parsed(List<Document> documents) implements ParseResult {
        public Parsed {
            documents = List.copyOf(documents);
        }
    }

    /** The file does not parse. {@code line} is 1-based, 0 when unknown. */
    record Failed(int line, String message) implements ParseResult {
    }
}
