package dev.vortex.ws;

import dev.vortex.ops.AttemptLimiter;
import dev.vortex.ops.Principal;
import dev.vortex.ops.Principals;
import java.util.List;

/**
 * The daemon's {@link TokenCheck}: a token (query or subprotocol) wins over the
 * {@code Authorization} header; wrong credentials count against the address, which is refused
 * (close 1013) while over the limit. Without any credential file everyone is admitted.
 */
public final class PrincipalCheck implements TokenCheck {
    private final Principals principals;
    private final AttemptLimiter limiter;

    public PrincipalCheck(Principals principals, AttemptLimiter limiter) {
        this.principals = principals;
        this.limiter = limiter;
    }

    @Override
    public Admission admit(String token, String authorization, String address) {
        return admit(token, authorization, address, List.of());
    }

    /** Without a token or {@code Authorization} header, a verified client certificate may name the principal. */
    @Override
    public Admission admit(String token, String authorization, String address, List<String> certificateNames) {
        if (!principals.required()) {
            return new Admitted(Principal.ANYONE);
        }
        long wait = limiter.retryAfterSeconds(address);
        if (wait > 0) {
            return new Refused(CloseCodes.TRY_AGAIN_LATER, "TOO_MANY_ATTEMPTS",
                    "too many failed authentication attempts from this address; retry in " + wait + " s");
        }
        Principals.Outcome o = token != null ? principals.authenticateToken(token) : principals.authenticate(authorization, certificateNames);
        return switch (o) {
            case Principals.Known k -> new Admitted(k.principal());
            case Principals.Wrong w -> {
                limiter.failed(address);
                yield new Refused(CloseCodes.UNAUTHORIZED, "UNAUTHORIZED", "credentials wrong");
            }
            case Principals.Absent a -> new Refused(CloseCodes.UNAUTHORIZED, "UNAUTHORIZED",
                    "credentials missing (?token=, the token.T subprotocol or an Authorization header)");
        };
    }
}
