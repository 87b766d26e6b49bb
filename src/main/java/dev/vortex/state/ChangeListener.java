package dev.vortex.state;

/**
 * Told about every label that moved, after the new snapshot is visible. Called on the publishing
 * thread, possibly from several threads at once (one per repository being synced), so it must be
 * thread-safe and quick; an exception it throws is logged and counted, never passed on.
 */
@FunctionalInterface
public interface ChangeListener {
    void onChange(ChangeEvent event);
}
