package dev.vortex.ws;

import dev.vortex.ops.Principal;
import java.util.List;

/** Decides who a connection is, from what its handshake presents. Credentials are never logged. */
@FunctionalInterface
public interface TokenCheck {

    /**
     * @param token         a token from {@code ?token=} or the {@code token.T} subprotocol, or null
     * @param authorization the {@code Authorization} header (Basic or Bearer), or null
     * @param address       the client's address (failed attempts are limited per address)
     */
    Admission admit(String token, String authorization, String address);

    /** {@code certificateNames}: the CN and SANs of a verified client certificate, empty without one. */
    default Admission admit(String token, String authorization, String address, List<String> certificateNames) {
        return admit(token, authorization, address);
    }

    /** The handshake's outcome. */
    sealed interface Admission {
    }

    record Admitted(Principal principal) implements Admission {
    }

    /** Refused with a close code ({@code 4401} wrong or missing credentials, {@code 1013} too many failures). */
    record Refused(int closeCode, String errorCode, String message) implements Admission {
    }

    /** No authentication configured: everyone may connect and watch everything. */
    static TokenCheck open() {
        return (token, authorization, address) -> new Admitted(Principal.ANYONE);
    }
}
