package dev.vortex.http;

/** A request that cannot be answered as asked; the Router turns it into a JSON error body. */
public final class ApiException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
