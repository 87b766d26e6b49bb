package dev.vortex.git;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * How many commits a fetch brought that its namespace did not reach before, without a read of the
 * refs before the fetch: the refs before are the ones the fetch left alone plus the old ids of those
 * it moved or deleted, which its ref moves carry.
 */
final class NewCommits {
    private NewCommits() {
    }

    /** One namespace ref a fetch set: from JGit's tracking ref update, or the announced fetch's own update. Zero id: none. */
    record Move(String localName, ObjectId oldId, ObjectId newId) {
    }

    /**
     * @param walk    the walk {@code after} was read with (its commits are parsed already)
     * @param after   the namespace's refs as the fetch left them
     * @param updates the refs the fetch set, local names under {@code ns}
     */
    static int count(RevWalk walk, String ns, RemoteRefs after, Collection<Move> updates) throws IOException {
        Map<String, ObjectId> moved = new HashMap<>(); // local ref name → its id before the fetch (zero: new)
        boolean arrived = false;
        for (Move u : updates) {
            if (!u.oldId().equals(u.newId())) {
                moved.put(u.localName(), u.oldId());
                arrived |= !ObjectId.zeroId().equals(u.newId());
            }
        }
        if (!arrived) {
            return 0;
        }
        mark(walk, moved, ns + "heads/", after.branches());
        mark(walk, moved, ns + "tags/", after.tags());
        for (ObjectId old : moved.values()) {
            Optional<ObjectId> c = !ObjectId.zeroId().equals(old) && walk.getObjectReader().has(old)
                    ? Mirror.peel(walk, old) : Optional.empty();
            if (c.isPresent()) {
                walk.markUninteresting(walk.parseCommit(c.get()));
            }
        }
        int n = 0;
        while (walk.next() != null) {
            n++;
        }
        return n;
    }

    /** Starts the walk at the refs the fetch moved; the ones it left alone were there before. */
    private static void mark(RevWalk walk, Map<String, ObjectId> moved, String prefix, Map<String, ObjectId> refs) throws IOException {
        for (Map.Entry<String, ObjectId> e : refs.entrySet()) {
            RevCommit c = walk.parseCommit(e.getValue());
            if (moved.containsKey(prefix + e.getKey())) {
                walk.markStart(c);
            } else {
                walk.markUninteresting(c);
            }
        }
    }
}
