package dev.vortex.git;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The branches and tags one URL reported at its last successful fetch, as stored in its namespace
 * of the mirror. Tags are peeled: every value is a commit id.
 */
public record RemoteRefs(SortedMap<String, ObjectId> branches, SortedMap<String, ObjectId> tags) {

    public RemoteRefs {
        branches = new TreeMap<>(branches);
        tags = new TreeMap<>(tags);
    }

    /** True when this URL never fetched (or reported nothing). */
    public boolean isEmpty() {
        return branches.isEmpty() && tags.isEmpty();
    }

    /** Every label: branch names, then tag names not also used by a branch (a branch wins a clash). */
    public Map<String, ObjectId> labels() {
        Map<String, ObjectId> all = new LinkedHashMap<>(tags);
        all.putAll(branches);
        return all;
    }
}
