package dev.vortex.config;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param perApp          the limits of a template (URLs holding {@code {application}}, {@code {profile}} or {@code {label}}); unused otherwise
 */
public record RepoConfig(String name, List<String> urls, List<String> apps, Optional<String> defaultLabel,
                         List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile,
                         RemoteAccess access, PerApp perApp) {
    /** The placeholders that make a repository a template of one repository per application (profile, label). */
    public static final String APPLICATION = "{application}";
    public static final String PROFILE = "{profile}";
    public static final String LABEL = "{label}";
    static final List<String> PLACEHOLDERS = List.of(APPLICATION, PROFILE, LABEL);

    public RepoConfig {
        Objects.requireNonNull(defaultLabel, "defaultLabel");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(perApp, "perApp");
        urls = List.copyOf(urls);
        apps = List.copyOf(apps);
        labels = List.copyOf(labels);
        searchPaths = List.copyOf(searchPaths);
    }

    /**
     * A template's limits: {@code max-repos} instances at most, a missing remote remembered for
     * {@code negative-cache}, a first request waiting at most {@code first-sync-wait} for the first sync.
     */
    public record PerApp(int maxRepos, Duration negativeCache, Duration firstSyncWait) {
        public static final PerApp DEFAULTS = new PerApp(1000, Duration.ofMinutes(1), Duration.ofSeconds(10));
    }

    /** With the default per-application limits. */
    public RepoConfig(String name, List<String> urls, List<String> apps, Optional<String> defaultLabel,
                      List<String> labels, List<String> searchPaths, Optional<Path> credentialsFile, RemoteAccess access) {
        this(name, urls, apps, defaultLabel, labels, searchPaths, credentialsFile, access, PerApp.DEFAULTS);
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

    /**
     * True when the URLs hold {@code {application}}, {@code {profile}} or {@code {label}}: each value
     * (combination) gets a repository of its own, made on first use.
     */
    public boolean isTemplate() {
        // loops, not streams: asked several times per target when a change re-renders 20,000 of them
        for (String u : urls) {
            for (String p : PLACEHOLDERS) {
                if (u.contains(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The placeholders the URLs hold (every URL the same ones, checked at load), in the order application, profile, label. */
    public List<String> placeholders() {
        return PLACEHOLDERS.stream().filter(p -> primaryUrl().contains(p)).toList();
    }

    /**
     * This template's repository for {@code key} (checked with {@link TemplateKey#problem}): named
     * {@code <template>.<key id>}, its URLs filled; it serves only the key's application when the URLs
     * name one (else the template's {@code apps}), and the key's label is its default label when the
     * URLs name one (the branch Spring checks out in the repository that label chose).
     */
    public RepoConfig made(TemplateKey key) {
        return new RepoConfig(instanceName(name, key.id()), urls.stream().map(key::fill).toList(),
                key.application() != null ? List.of(key.application()) : apps,
                key.label() != null ? Optional.of(key.label()) : defaultLabel, labels, searchPaths, credentialsFile, access, perApp);
    }

    /** True for a repository a template made ({@link #made}): only those names hold a dot. */
    public boolean madeByTemplate() {
        return name.indexOf('.') >= 0;
    }

    /** The name of {@code template}'s repository for a key's id: a template name cannot hold the dot, so it splits back. */
    public static String instanceName(String template, String id) {
        return template + "." + id;
    }

    /** True when this repository serves the application {@code app}. */
    public boolean servesApp(String app) {
        for (String p : apps) {
            if (Patterns.matches(p, app)) {
                return true;
            }
        }
        return false;
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
