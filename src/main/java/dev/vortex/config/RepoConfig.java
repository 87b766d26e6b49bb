package dev.vortex.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One configured repository.
 *
 * @param name            {@code [a-z0-9-]+}, unique; names the mirror directory
 * @param urls            primary first, then mirrors
 * @param apps            application-name patterns ({@code *} wildcard) this repository serves
 * @param defaultLabel    the label served when a request names none
 * @param labels          tracked branch/tag patterns (the default label is always tracked)
 * @param searchPaths     extra directories searched, may hold {@code {application}}, {@code {profile}}, {@code {label}}
 * @param credentialsFile {@code user:token} or netrc-style; never logged
 * @param access          SSH keys, TLS trust and proxy for reaching the URLs
 */
public record RepoConfig(String name, List<String> urls, List<String> apps, String defaultLabel,
                         List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile,
                         RemoteAccess access) {

    public RepoConfig {
        urls = List.copyOf(urls);
        apps = List.copyOf(apps);
        labels = List.copyOf(labels);
        searchPaths = List.copyOf(searchPaths);
        java.util.Objects.requireNonNull(access, "access");
    }

    /** A repository reached with the default access settings (no SSH key, JDK trust, no proxy). */
    public RepoConfig(String name, List<String> urls, List<String> apps, String defaultLabel,
                      List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile) {
        this(name, urls, apps, defaultLabel, labels, searchPaths, credentialsFile, RemoteAccess.NONE);
    }

    public String primaryUrl() {
        return urls.get(0);
    }

    /** True when this repository serves the application {@code app}. */
    public boolean servesApp(String app) {
        return apps.stream().anyMatch(p -> Patterns.matches(p, app));
    }

    /** True when {@code label} is the default label or matches one of the tracked patterns. */
    public boolean tracks(String label) {
        return label.equals(defaultLabel) || labels.stream().anyMatch(p -> Patterns.matches(p, label));
    }
}
