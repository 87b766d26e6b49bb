package dev.vortex.render;

import java.util.List;

/**
 * An abbreviated commit id that more than one commit of the mirror starts with. The HTTP API
 * answers 400 with this message, which names every candidate, as git refuses such an abbreviation.
 */
public final class AmbiguousCommitException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    public AmbiguousCommitException(String repo, String abbreviation, List<String> candidates) {
        super("commit id '" + abbreviation + "' is ambiguous in repository '" + repo + "': it abbreviates "
                + String.join(", ", candidates) + "; give more digits");
    }
}
