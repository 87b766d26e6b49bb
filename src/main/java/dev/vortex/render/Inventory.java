package dev.vortex.render;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The applications and profiles a commit can serve, read from its file names ({@code {app}.yml},
 * {@code {app}-{profile}.properties}, {@code application-{profile}.yml}, directories matched by
 * {@code {application}}/{@code {profile}} search paths) and its {@code on-profile} documents.
 * Every application can also be asked for with any shared profile and {@code default}.
 *
 * @param profilesByApp  each application with its own profiles
 * @param sharedProfiles profiles from {@code application-*} files and documents, valid for every application
 */
public record Inventory(SortedMap<String, SortedSet<String>> profilesByApp, SortedSet<String> sharedProfiles) {
    public Inventory {
        SortedMap<String, SortedSet<String>> copy = new TreeMap<>();
        profilesByApp.forEach((k, v) -> copy.put(k, Collections.unmodifiableSortedSet(new TreeSet<>(v))));
        profilesByApp = Collections.unmodifiableSortedMap(copy);
        sharedProfiles = Collections.unmodifiableSortedSet(new TreeSet<>(sharedProfiles));
    }

    public SortedSet<String> apps() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(profilesByApp.keySet()));
    }

    /** The profiles {@code app} can be served with: its own, the shared ones, and {@code default}. */
    public SortedSet<String> profiles(String app) {
        SortedSet<String> out = new TreeSet<>(sharedProfiles);
        out.addAll(profilesByApp.getOrDefault(app, Collections.emptySortedSet()));
        out.add("default");
        return Collections.unmodifiableSortedSet(out);
    }

    /**
     * Calls {@code each} once with every profile of {@link #profiles(String) profiles(app)}, in no
     * particular order and without making a set for it: what lists the targets of thousands of
     * applications at each change.
     */
    public void forEachProfile(String app, Consumer<String> each) {
        sharedProfiles.forEach(each);
        if (!sharedProfiles.contains("default")) {
            each.accept("default");
        }
        for (String p : profilesByApp.getOrDefault(app, Collections.emptySortedSet())) {
            if (!sharedProfiles.contains(p) && !p.equals("default")) {
                each.accept(p);
            }
        }
    }

    static Inventory of(Map<String, ? extends java.util.Set<String>> byApp, java.util.Set<String> shared) {
        SortedMap<String, SortedSet<String>> m = new TreeMap<>();
        byApp.forEach((k, v) -> m.put(k, new TreeSet<>(v)));
        return new Inventory(m, new TreeSet<>(shared));
    }
}
