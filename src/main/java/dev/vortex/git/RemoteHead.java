package dev.vortex.git;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;

/**
 * A remote's HEAD kept in its namespace as the symbolic ref {@code <ns>HEAD} → {@code <ns>heads/<branch>}:
 * set from what each fetch saw advertised, read for the branch {@code git clone} would check out.
 */
final class RemoteHead {
    private RemoteHead() {
    }

    /** Keeps the advertised HEAD (null: none) as {@code <ns>HEAD}, or none; returns its branch, what {@link #branch} reads. */
    static Optional<String> remember(Repository repository, String ns, Ref advertised) throws IOException {
        String name = ns + Constants.HEAD;
        if (advertised != null && advertised.isSymbolic() && advertised.getTarget().getName().startsWith(Constants.R_HEADS)) {
            String branch = advertised.getTarget().getName().substring(Constants.R_HEADS.length());
            String target = ns + "heads/" + branch;
            Ref now = repository.exactRef(name);
            if (now == null || !now.isSymbolic() || !now.getTarget().getName().equals(target)) {
                NamespaceRefs.check(repository.getRefDatabase().newUpdate(name, false).link(target), name);
            }
            return Optional.of(branch);
        }
        if (repository.exactRef(name) != null) {
            RefUpdate u = repository.getRefDatabase().newUpdate(name, true);
            u.setForceUpdate(true);
            NamespaceRefs.check(u.delete(), name);
        }
        return Optional.empty();
    }

    /** The branch {@code <ns>HEAD} names; empty when there is none or it is detached. */
    static Optional<String> branch(Repository repository, String ns) throws IOException {
        Ref head = repository.exactRef(ns + Constants.HEAD);
        if (head == null || !head.isSymbolic()) {
            return Optional.empty();
        }
        String heads = ns + "heads/";
        String target = head.getTarget().getName();
        return target.startsWith(heads) ? Optional.of(target.substring(heads.length())) : Optional.empty();
    }
}
