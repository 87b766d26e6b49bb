package dev.vortex.ws;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The version and configuration last sent to every subscriber of one target (hub thread only);
 * both null while pending (the target reads a file that does not parse and has no good commit).
 * Diffs chain exactly because every subscriber received the same snapshot-then-diffs sequence.
 */
final class Channel {
    final Target target;
    final Set<Session> subscribers = new HashSet<>();
    String version;
    Map<String, Object> config;
    /**
     * The newest commit known to render {@link #config} (null while pending): {@link #version}, or
     * a later commit of the label whose change left the target's configuration as it was. A change
     * from this commit finds the configuration before it here instead of rendering the old commit.
     */
    String configAt;
    private Frame.Part configJson;

    Channel(Target target, Versioned v) {
        this.target = target;
        if (v != null) {
            moveTo(v);
        }
    }

    boolean pending() {
        return version == null;
    }

    /** The configuration as JSON, serialized (and, for deflating sessions, compressed) once per version and spliced into snapshots. */
    Frame.Part configJson() {
        if (configJson == null) {
            configJson = new Frame.Part(Messages.configJson(config));
        }
        return configJson;
    }

    void moveTo(Versioned v) {
        version = v.commit();
        configAt = version;
        config = v.config();
        configJson = null;
    }
}
