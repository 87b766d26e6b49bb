package dev.vortex.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The values a template's URLs take for one repository it makes: the application, profile and label
 * of a request, each null where the template's URLs do not hold its placeholder. Two requests with
 * the same key read the same made repository (Spring keeps one repository per resolved URI).
 */
public record TemplateKey(String application, String profile, String label) {
    /** Separates the values in a made repository's name ({@code cfg.shop~dev~main}): unreserved in URLs, never in a value. */
    static final String SEPARATOR = "~";
    /** Spring Cloud Config 4's default label, then the one it falls back to (its {@code try-master-branch}). */
    static final List<String> SPRING_DEFAULT_LABELS = List.of("main", "master");

    /**
     * The keys {@code template} tries for a request, in order, as Spring's
     * {@code MultipleJGitEnvironmentRepository} does for a repository with patterns: with
     * {@code {profile}} in the URL one per profile, the last listed first (the first whose
     * repository exists serves the request); with {@code {label}} the label named, else the
     * {@code default-label}, else {@code main} then {@code master}. Empty when the request names no
     * profile and the template needs one.
     */
    public static List<TemplateKey> candidates(RepoConfig template, String app, String profiles, String label) {
        List<String> used = template.placeholders();
        List<String> profileValues = new ArrayList<>();
        if (!used.contains(RepoConfig.PROFILE)) {
            profileValues.add(null);
        } else if (profiles != null) {
            List<String> listed = new ArrayList<>(Arrays.stream(profiles.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList());
            java.util.Collections.reverse(listed);
            profileValues.addAll(new LinkedHashSet<>(listed));
        }
        List<String> labelValues = !used.contains(RepoConfig.LABEL) ? java.util.Collections.singletonList(null)
                : label != null ? List.of(label)
                : template.defaultLabel().map(List::of).orElse(SPRING_DEFAULT_LABELS);
        String application = used.contains(RepoConfig.APPLICATION) ? app : null;
        List<TemplateKey> keys = new ArrayList<>();
        for (String p : profileValues) {
            for (String l : labelValues) {
                keys.add(new TemplateKey(application, p, l));
            }
        }
        return keys;
    }

    /** The first value that cannot go into a URL (see {@link Names#checkTemplateValue}), checked before any git access. */
    public Optional<String> problem() {
        Optional<String> p = application == null ? Optional.empty() : Names.checkTemplateValue("application name", application);
        p = p.or(() -> profile == null ? Optional.empty() : Names.checkTemplateValue("profile", profile));
        return p.or(() -> label == null ? Optional.empty() : Names.checkTemplateValue("label", label));
    }

    /** The part of the made repository's name after {@code <template>.}: the values in placeholder order. */
    public String id() {
        StringJoiner j = new StringJoiner(SEPARATOR);
        for (String v : new String[] {application, profile, label}) {
            if (v != null) {
                j.add(v);
            }
        }
        return j.toString();
    }

    /** The key an {@link #id} of {@code template}'s names, when it is one (a restored name is checked like a request). */
    public static Optional<TemplateKey> parse(RepoConfig template, String id) {
        List<String> used = template.placeholders();
        String[] values = id.split(SEPARATOR, -1);
        if (values.length != used.size()) {
            return Optional.empty();
        }
        String[] v = new String[3];
        for (int i = 0; i < values.length; i++) {
            v[RepoConfig.PLACEHOLDERS.indexOf(used.get(i))] = values[i];
        }
        TemplateKey key = new TemplateKey(v[0], v[1], v[2]);
        return key.problem().isEmpty() ? Optional.of(key) : Optional.empty();
    }

    /** {@code url} with the placeholders filled. */
    String fill(String url) {
        String out = url;
        if (application != null) {
            out = out.replace(RepoConfig.APPLICATION, application);
        }
        if (profile != null) {
            out = out.replace(RepoConfig.PROFILE, profile);
        }
        return label == null ? out : out.replace(RepoConfig.LABEL, label);
    }

    /** How the key reads in a message: {@code profile 'dev', label 'main'} (the application is named apart). */
    public String describe() {
        StringJoiner j = new StringJoiner(", ");
        if (profile != null) {
            j.add("profile '" + profile + "'");
        }
        if (label != null) {
            j.add("label '" + label + "'");
        }
        return j.toString();
    }
}
