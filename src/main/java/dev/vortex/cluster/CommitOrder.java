package dev.vortex.cluster;

/** How a peer's commit relates to ours, as this replica's mirror knows it; {@code Vortexd} wires it to the mirrors. */
@FunctionalInterface
public interface CommitOrder {
    /** {@code theirs} against {@code ours} (ours may be null: we serve nothing for that label). */
    Relation relation(String repo, String theirs, String ours);

    enum Relation {
        SAME, AHEAD, BEHIND, DIVERGED, UNKNOWN;

        /** Ahead, or a commit our mirror does not have yet (pushed after our last fetch). */
        boolean newer() {
            return this == AHEAD || this == UNKNOWN;
        }
    }
}
