package dev.vortex.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Repository;

/**
 * An in-memory mirror: remotes are label → commit maps over a shared commit graph (each commit has
 * one parent), a fetch copies a remote's labels into its namespace and makes its history present.
 */
final class FakeFetcher implements Fetcher {
    private int next = 1;

    private final Map<String, String> parents = new HashMap<>();
    private final Map<String, Map<String, String>> remotes = new HashMap<>();
    private final Map<String, Map<String, String>> namespaces = new HashMap<>();
    private final Map<String, String> remoteHeads = new HashMap<>();
    private final Map<String, String> heads = new HashMap<>();
    private final Set<String> present = new HashSet<>();
    private final Set<String> down = new HashSet<>();
    private final Set<String> crashing = new HashSet<>();
    final List<String> fetches = new ArrayList<>();
    /** The announced commits each {@link #fetchRefs} was handed, in order. */
    final List<Map<String, String>> announcements = new ArrayList<>();

    /** A new commit on top of {@code parent} (null for a root). */
    String commit(String parent) {
        String id = String.format("%040x", next++);
        parents.put(id, parent);
        return id;
    }

    /** Sets what {@code url} reports for {@code label}. */
    FakeFetcher remote(String url, String label, String commit) {
        remotes.computeIfAbsent(url, u -> new TreeMap<>()).put(label, commit);
        return this;
    }

    /** Sets the branch {@code url}'s HEAD names (null: advertises none). */
    FakeFetcher remoteHead(String url, String branch) {
        if (branch == null) {
            remoteHeads.remove(url);
        } else {
            remoteHeads.put(url, branch);
        }
        return this;
    }

    FakeFetcher removeRemoteLabel(String url, String label) {
        remotes.getOrDefault(url, new TreeMap<>()).remove(label);
        return this;
    }

    FakeFetcher down(String url, boolean isDown) {
        if (isDown) {
            down.add(url);
        } else {
            down.remove(url);
        }
        return this;
    }

    /** Makes fetches of {@code url} throw an unchecked exception, like a library bug. */
    FakeFetcher crash(String url) {
        crashing.add(url);
        return this;
    }

    /** Puts {@code url}'s current labels into its namespace as if fetched earlier. */
    FakeFetcher fetchedBefore(String url) throws IOException {
        boolean wasDown = down.remove(url);
        fetch(url);
        fetches.remove(fetches.size() - 1);
        if (wasDown) {
            down.add(url);
        }
        return this;
    }

    @Override
    public int fetch(String url) throws IOException {
        fetches.add(url);
        if (down.contains(url)) {
            throw new IOException("connection refused");
        }
        if (crashing.contains(url)) {
            throw new IllegalStateException("library bug");
        }
        Map<String, String> labels = new TreeMap<>(remotes.getOrDefault(url, Map.of()));
        namespaces.put(url, labels);
        if (remoteHeads.containsKey(url)) {
            heads.put(url, remoteHeads.get(url));
        } else {
            heads.remove(url);
        }
        int n = 0;
        for (String tip : labels.values()) {
            for (String c = tip; c != null && present.add(c); c = parents.get(c)) {
                n++;
            }
        }
        return n;
    }

    /** Fetches of only some refs, as {@code url refs/heads/x,…}. */
    final List<String> refFetches = new ArrayList<>();

    @Override
    public int fetchRefs(String url, Set<String> refs, Map<String, String> announced) throws IOException {
        refFetches.add(url + " " + String.join(",", new java.util.TreeSet<>(refs)));
        announcements.add(new TreeMap<>(announced));
        if (down.contains(url)) {
            throw new IOException("connection refused");
        }
        Map<String, String> labels = namespaces.computeIfAbsent(url, u -> new TreeMap<>());
        int n = 0;
        for (String ref : refs) {
            String label = ref.replaceFirst("^refs/(heads|tags)/", "");
            String tip = remotes.getOrDefault(url, Map.of()).get(label);
            if (tip == null) {
                throw new IOException("Remote does not have " + ref + " available for fetch."); // as JGit says it
            }
            labels.put(label, tip);
            for (String c = tip; c != null && present.add(c); c = parents.get(c)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Map<String, String> labels(String url) {
        return new LinkedHashMap<>(namespaces.getOrDefault(url, Map.of()));
    }

    @Override
    public Optional<String> head(String url) {
        return Optional.ofNullable(heads.get(url));
    }

    /** Every label counts as a branch here. */
    @Override
    public SortedSet<String> branches(String url) {
        return new TreeSet<>(namespaces.getOrDefault(url, Map.of()).keySet());
    }

    @Override
    public boolean hasCommit(String commit) {
        return present.contains(commit);
    }

    @Override
    public boolean isAncestor(String ancestor, String descendant) {
        if (!present.contains(ancestor) || !present.contains(descendant)) {
            return false;
        }
        for (String c = descendant; c != null; c = parents.get(c)) {
            if (c.equals(ancestor)) {
                return true;
            }
        }
        return false;
    }

    /** Calls of {@link #gcIfDue}; {@code onGc} runs at each (a test records the order of events with it). */
    int gcs;
    Runnable onGc = () -> { };

    @Override
    public boolean gcIfDue() {
        gcs++;
        onGc.run();
        return false;
    }

    @Override
    public Repository repository() {
        return null;
    }

    int fetchCount(String url) {
        return (int) fetches.stream().filter(url::equals).count();
    }
}
