/**
 * The hot state every reader sees: which commit each repository serves per label, and how its
 * syncs went.
 *
 * <p>{@link dev.vortex.state.StateStore} holds one immutable {@link dev.vortex.state.Snapshot}
 * behind a {@code StampedLock}: request threads read it optimistically, the sync engine replaces it
 * with one short write per publish (no I/O under the lock). After every publish the store tells its
 * {@link dev.vortex.state.ChangeListener}s each {@link dev.vortex.state.ChangeEvent} and writes the
 * served commits to {@code data-dir/state.json} through {@link dev.vortex.state.StateFile}
 * (temp file, fsync, atomic rename), which is read back at start so the daemon serves before any fetch.
 */
package dev.vortex.state;
