package dev.vortex.state;

import java.util.List;
import java.util.Objects;

/**
 * A configuration file of a served commit that does not parse.
 *
 * @param path    the file's path inside the commit
 * @param line    1-based line of the problem, 0 when the parser could not tell
 * @param message the parser's message
 * @param apps    the applications whose Environment reads the file (held back), sorted;
 *                {@code ["*"]} for a file every application reads ({@code application.*})
 */
public record BrokenFile(String path, int line, String message, List<String> apps) {
    /** What {@link #apps} holds for a file that every application reads. */
    public static final String EVERY_APP = "*";

    public BrokenFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        apps = List.copyOf(apps);
    }

    /** {@code path:line: message}, or {@code path: message} when the line is unknown. */
    public String where() {
        return line > 0 ? path + ":" + line + ": " + message : path + ": " + message;
    }
}
