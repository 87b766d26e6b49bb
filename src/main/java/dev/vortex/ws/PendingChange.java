package dev.vortex.ws;

/**
 * A {@code config_change} to changes-only subscribers, held as its parts (the diff and the previous
 * values already JSON, the commits shared by every target of the change) until a session's queue
 * takes it, and framed then, once for every session it goes to (hub thread only). A change to a
 * file every application reads makes 20,000 of these, and a client that reads slower than they are
 * rendered has thousands waiting in its backlog: held as frames, they outlived young collections,
 * which copied them, and those pauses were the {@code GET} p99 during the fan-out.
 */
final class PendingChange {
    // the envelope around the parts: type, id, timestamp, keys and quotes (a replica id is counted on its own)
    private static final int ENVELOPE = 210;

    private final Target target;
    private final String oldVersion;
    private final String newVersion;
    private final byte[] diff;
    private final byte[] previous;
    private Frame framed;

    PendingChange(Target target, String oldVersion, String newVersion, byte[] diff, byte[] previous) {
        this.target = target;
        this.oldVersion = oldVersion;
        this.newVersion = newVersion;
        this.diff = diff;
        this.previous = previous;
    }

    /** About the bytes its frame will take, counted against a session's backlog bound. */
    long bytes() {
        return ENVELOPE + target.app().length() + target.profile().length() + target.label().length() + oldVersion.length()
                + newVersion.length() + diff.length + previous.length;
    }

    /** The message, built the first time it is sent (its id and timestamp are then). */
    Frame frame(Messages messages) {
        if (framed == null) {
            framed = messages.change(target, oldVersion, newVersion, diff, previous);
        }
        return framed;
    }
}
