package dev.vortex.render;

/**
 * Where a value starts in its file, as Spring Boot's loaders record it ({@code TextResourceOrigin.Location}).
 *
 * @param line   1-based line
 * @param column 1-based column; Spring's properties loader says 0 for a value that is empty at the end of its line
 */
public record Origin(int line, int column) {
    /** {@code LINE:COLUMN}, the form of Spring Cloud Config's v2 {@code origin}. */
    @Override
    public String toString() {
        return line + ":" + column;
    }
}
