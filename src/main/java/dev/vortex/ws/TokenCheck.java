package dev.vortex.ws;

/** Decides whether a connection may open. The token is never logged. */
@FunctionalInterface
public interface TokenCheck {

    /**
     * True when a client presenting {@code token} may connect; {@code token} is null when the
     * client presented none.
     */
    boolean allows(String token);

    /** No tokens configured: everyone may connect. */
    static TokenCheck open() {
        return token -> true;
    }
}
