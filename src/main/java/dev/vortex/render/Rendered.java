package dev.vortex.render;

import java.util.Objects;

/**
 * A rendered response, shared from the byte cache: callers must not modify {@code body}.
 *
 * @param body        the bytes to send
 * @param contentType the Content-Type header
 * @param etag        the ETag header value, quotes included ({@code "<commit>"} or {@code "<commit>-<view>"})
 */
public record Rendered(byte[] body, String contentType, String etag) {
    public Rendered {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(etag, "etag");
    }
}
