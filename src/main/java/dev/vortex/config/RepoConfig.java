package dev.vortex.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured repository.
 *
 * @param name            {@code [a-z0-9-]+}, unique; names the mirror directory
 * @param urls            primary first, then mirrors
 * @param apps            application-name patterns ({@code *} wildcard) this repository serves
 * @param defaultLabel    the label served when a request names none; empty: follow the remote's HEAD
 *                        (then {@code main}, then {@code master})
 * @param labels          tracked branch/tag patterns (the default label is always tracked)
 * @param searchPaths     extra directories searched, may hold {@code {application}}, {@code {profile}}, {@code {label}}
 * @param credentialsFile {@code user:token} or netrc-style; never logged
 * @param access          SSH keys, TLS trust and proxy for reaching the URLs
 */
public record RepoConfig(String name, List<String> urls, List<String> apps, Optional<String> defaultLabel,
                         List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile,
                         RemoteAccess access) {

    public RepoConfig {
        Objects.requireNonNull(defaultLabel, "defaultLabel");
        Objects.requireNonNull(access, "access");
        urls = List.copyOf(urls);
        apps = List.copyOf(apps);
        labels = List.copyOf(labels);
        searchPaths = List.copyOf(searchPaths);
    }

    /** Reached with the default access settings (no SSH key, the JDK's trust, no proxy). */
    public RepoConfig(String name, List<String> urls, List<String> apps, Optional<String> defaultLabel,
                      List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile) {
        this(name, urls, apps, defaultLabel, labels, searchPaths, credentialsFile, RemoteAccess.NONE);
    }

    /** With a configured default label. */
    public RepoConfig(String name, List<String> urls, List<String> apps, String defaultLabel,
                      List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile) {
        this(name, urls, apps, Optional.of(defaultLabel), labels, searchPaths, credentialsFile);
    }

    /** With a configured default label and access settings. */
    public RepoConfig(String name, List<String> urls, List<String> apps, String defaultLabel,
                      List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile, RemoteAccess access) {
        this(name, urls, apps, Optional.of(defaultLabel), labels, searchPaths, credentialsFile, access);
    }

    public String primaryUrl() {
        return urls.get(0);
    }

    /** True when this repository serves the application {@code app}. */
    public boolean servesApp(String app) {
        return apps.stream().anyMatch(p -> Patterns.matches(p, app));
    }

    /** The first of {@code repos} (configuration order) that serves {@code app}: the one its requests read. */
    public static Optional<RepoConfig> serving(List<RepoConfig> repos, String app) {
        return repos.stream().filter(r -> r.servesApp(app)).findFirst();
    }

    /**
     * True when {@code label} is the configured default label or matches one of the tracked
     * patterns. (A default label that follows the remote's HEAD is tracked too: the sync knows it.)
     */
    public boolean tracks(String label) {
        return defaultLabel.filter(label::equals).isPresent() || labels.stream().anyMatch(p -> Patterns.matches(p, label));
    }
}
