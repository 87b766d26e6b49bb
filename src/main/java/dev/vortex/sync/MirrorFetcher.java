package dev.vortex.sync;

import dev.vortex.config.Names;
import dev.vortex.git.Fetched;
import dev.vortex.git.Mirror;
import dev.vortex.git.RemoteRefs;
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
 * once per question (deciding the labels asks several); a fetch hands over what it read as it ended.
 */
final class MirrorFetcher implements Fetcher {
    private final Mirror mirror;
    /** Per URL, label → commit as read from its namespace since this fetcher last fetched it. */
    private final Map<String, Map<String, String>> labels = new HashMap<>();
    /** Per URL, the branch its HEAD named as its last fetch by this fetcher ended. */
    private final Map<String, Optional<String>> heads = new HashMap<>();

    MirrorFetcher(Mirror mirror) {
        this.mirror = mirror;
    }

    @Override
    public int fetch(String url) throws IOException {
        forget(url);
        return remember(url, mirror.fetch(url));
    }

    @Override
    public int fetchRefs(String url, Set<String> refs, Map<String, String> announced) throws IOException {
        forget(url);
        return remember(url, mirror.fetchRefs(url, refs, announced));
    }

    private void forget(String url) {
        labels.remove(url);
        heads.remove(url);
    }

    private int remember(String url, Fetched fetched) {
        labels.put(url, labelsOf(fetched.refs()));
        heads.put(url, fetched.head());
        return fetched.newCommits();
    }

    @Override
    public Map<String, String> labels(String url) throws IOException {
        Map<String, String> known = labels.get(url);
        if (known == null) {
            known = labelsOf(mirror.refs(url));
            labels.put(url, known);
        }
        return known;
    }

    @Override
    public Optional<String> label(String url, String label) throws IOException {
        Map<String, String> known = labels.get(url);
        return known != null ? Optional.ofNullable(known.get(label)) : mirror.label(url, label).map(ObjectId::name);
    }

    private static Map<String, String> labelsOf(RemoteRefs refs) {
        Map<String, String> read = new TreeMap<>();
        refs.labels().forEach((label, id) -> read.put(label, id.name()));
        return Collections.unmodifiableMap(read);
    }

    @Override
    public Optional<String> head(String url) throws IOException {
        Optional<String> known = heads.get(url);
        return known != null ? known : mirror.head(url);
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
