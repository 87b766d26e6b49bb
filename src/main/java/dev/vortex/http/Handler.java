package dev.vortex.http;

/** One route's code. Throw {@link ApiException} for a client error; anything else is a logged 500. */
@FunctionalInterface
public interface Handler {
    void handle(Request request) throws Exception;
}
