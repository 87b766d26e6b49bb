package dev.vortex.sync;

import dev.vortex.config.Names;
import dev.vortex.git.Mirror;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** The production {@link Fetcher}: a JGit mirror. */
final class MirrorFetcher implements Fetcher {
    private final Mirror mirror;

    MirrorFetcher(Mirror mirror) {
        this.mirror = mirror;
    }

    @Override
    public int fetch(String url) throws IOException {
        return mirror.fetch(url);
    }

    @Override
    public int fetchRefs(String url, Set<String> refs) throws IOException {
        return mirror.fetchRefs(url, refs);
    }

    @Override
    public Map<String, String> labels(String url) throws IOException {
        Map<String, String> labels = new TreeMap<>();
        mirror.refs(url).labels().forEach((label, id) -> labels.put(label, id.name()));
        return labels;
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
    public Repository repository() {
        return mirror.repository();
    }
}
