package dev.vortex.ws;

import java.util.Objects;

/**
 * One thing a client can listen to: the effective configuration of an application, a profile
 * (or comma list of profiles, as in the REST API) and a concrete label (with {@code /}, never
 * {@code (_)}).
 */
public record Target(String app, String profile, String label) {
    public Target {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(label, "label");
    }

    @Override
    public String toString() {
        return app + ":" + profile + ":" + label;
    }
}
