package dev.vortex;

import dev.vortex.cluster.CommitOrder;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import java.io.IOException;
import org.eclipse.jgit.lib.ObjectId;

/** {@link CommitOrder} from this replica's mirrors: which of two commits descends from the other. */
record MirrorOrder(Mirrors mirrors) implements CommitOrder {
    @Override
    public Relation relation(String repo, String theirs, String ours) {
        if (theirs.equals(ours)) {
            return Relation.SAME;
        }
        try {
            Mirror m = mirrors.mirror(repo);
            ObjectId t = ObjectId.fromString(theirs);
            if (!m.hasCommit(t)) {
                return Relation.UNKNOWN;
            }
            if (ours == null) {
                return Relation.AHEAD;
            }
            ObjectId o = ObjectId.fromString(ours);
            if (m.isAncestor(o, t)) {
                return Relation.AHEAD;
            }
            return m.isAncestor(t, o) ? Relation.BEHIND : Relation.DIVERGED;
        } catch (IOException | IllegalArgumentException e) {
            return Relation.UNKNOWN; // a repository not configured here, or a mirror that cannot be read now
        }
    }
}
