package dev.vortex.config;

/**
 * A running component that takes a new configuration without a restart (SIGHUP). The reloader
 * calls every component in turn, one reload at a time, with the configuration to apply (settings
 * that need a restart already kept at their running values) and what changed.
 */
public interface Reloadable {

    /**
     * Applies {@code next}. A component ignores what does not concern it ({@code diff} says what
     * changed). Throwing stops the reload there: components before this one keep the new settings,
     * the failure is logged, counted and shown on the status page.
     */
    void reload(VortexConfig next, ConfigDiff diff) throws Exception;
}
