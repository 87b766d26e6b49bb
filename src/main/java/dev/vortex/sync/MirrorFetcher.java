package dev.vortex.sync;

import dev.vortex.config.Names;
import dev.vortex.git.Mirror;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The production {@link Fetcher}: a JGit mirror. One per run (or restore, or full reload), driven by
 * one thread: what a URL reported is read from its namespace once between two fetches of it, not
 * once per question (deciding the labels asks several).
 */
final class MirrorFetcher implements Fetcher {
    private final Mirror mirror;
    /** Per URL, label → commit as read from its namespace since this fetcher last fetched it. */
    private final Map<String, Map<String, String>> labels = new HashMap<>();

    MirrorFetcher(Mirror mirror) {
        this.mirror = mirror;
    }

    @Override
    public int fetch(String url) throws IOException {
        labels.remove(url);
        return mirror.fetch(url);
    }

    @Override
    public int fetchRefs(String url, Set<String> refs) throws IOException {
        labels.remove(url);
        return mirror.fetchRefs(url, refs);
    }

    @Override
    public Map<String, String> labels(String url) throws IOException {
        Map<String, String> known = labels.get(url);
        if (known == null) {
            Map<String, String> read = new TreeMap<>();
            mirror.refs(url).labels().forEach((label, id) -> read.put(label, id.name()));
            known = Collections.unmodifiableMap(read);
            labels.put(url, known);
        }
        return known;
    }

    @Override
    public Optional<String> head(String url) throws IOException {
        return mirror.head(url);
    }

    @Override
    public SortedSet<String> branches(String url) throws IOException {
        return new TreeSet<>(mirror.refs(url).branches().keySet());
    }

    @Override
    public boolean hasCommit(String commit) throws IOException {
        return Names.isCommitId(commit) && mirror.hasCommit(ObjectId.fromString(commit));
    }

    @Override
    public boolean isAncestor(String ancestor, String descendant) throws IOException {
        return mirror.isAncestor(ObjectId.fromString(ancestor), ObjectId.fromString(descendant));
    }

    @Override
    public boolean gcIfDue() throws IOException {
        return mirror.gcIfDue();
    }

    @Override
    public Repository repository() {
        return mirror.repository();
    }
}
