package dev.vortex.ws;

/**
 * Close codes of PROTOCOL.md beyond the library's {@code CloseFrame} constants: the 44xx codes
 * mirror the HTTP status a refused upgrade would have had (the convention graphql-ws uses).
 */
final class CloseCodes {
    static final int BAD_REQUEST = 4400;
    static final int UNAUTHORIZED = 4401;
    static final int NOT_FOUND = 4404;
    static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
