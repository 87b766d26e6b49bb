package dev.vortex.render;

import java.util.Objects;

/**
 * Why a configuration file of a commit cannot be served.
 *
 * @param path    the file's path inside the commit's tree
 * @param line    1-based line of the problem, 0 when the parser could not tell
 * @param message the parser's message
 */
public record ParseProblem(String path, int line, String message) {
    public ParseProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, got " + line);
        }
    }

    /** {@code path:line: message}, or {@code path: message} when the line is unknown. */
    @Override
    public String toString() {
        return line > 0 ? path + ":" + line + ": " + message : path + ": " + message;
    }
}
