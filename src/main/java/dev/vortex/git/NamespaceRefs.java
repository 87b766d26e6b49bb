package dev.vortex.git;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;

/** A namespace ref set by a fetch that is not JGit's (the announced fetch, the local copy) as a {@code +}refspec sets it. */
final class NamespaceRefs {
    private NamespaceRefs() {
    }

    /**
     * Sets {@code name} to {@code id} (null: deletes it), forced, unless something moved it since it was
     * read here; the move, or empty when the ref was there already.
     */
    static Optional<NewCommits.Move> set(Repository repository, String name, ObjectId id, String reflog) throws IOException {
        Ref before = repository.exactRef(name);
        ObjectId old = before == null || before.getObjectId() == null ? ObjectId.zeroId() : before.getObjectId();
        ObjectId now = id == null ? ObjectId.zeroId() : id;
        if (old.equals(now)) {
            return Optional.empty();
        }
        RefUpdate u = repository.updateRef(name);
        u.setExpectedOldObjectId(old);
        u.setForceUpdate(true);
        if (id == null) {
            check(u.delete(), name);
        } else {
            u.setNewObjectId(id);
            u.setRefLogMessage(reflog, false);
            check(u.update(), name);
        }
        return Optional.of(new NewCommits.Move(name, old, now));
    }

    /** Throws, naming the ref, unless {@code result} says the ref is where it was asked to be. */
    static void check(RefUpdate.Result result, String name) throws IOException {
        switch (result) {
            case NEW, FORCED, NO_CHANGE, FAST_FORWARD -> {
                // done
            }
            default -> throw new IOException("update " + name + ": " + result);
        }
    }
}
