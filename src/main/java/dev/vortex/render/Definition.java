package dev.vortex.render;

/**
 * One source's value for a key, as {@code /api/v1/explain} and the status page's explorer show it.
 *
 * @param key      the flattened key
 * @param value    the value as written in that source (placeholders unresolved), or the effective
 *                 value (resolved) in {@link Renderer#effectiveWithOrigins}
 * @param source   the property source's name, as in the Environment JSON
 * @param file     the file's path in the commit, null for a source that is no file
 * @param document the document's index in the file (Spring's {@code document #N}), -1 for none
 * @param origin   where the value starts in the file, null when unknown
 * @param wins     whether this is the value served
 */
public record Definition(String key, Object value, String source, String file, int document, Origin origin,
                         boolean wins) {
}
