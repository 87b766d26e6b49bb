package dev.vortex.git;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import dev.vortex.ops.PushTimeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;

/**
 * One repository's bare mirror. Thread-safe for reading; fetches of one repository must not run
 * concurrently with each other (the scheduler runs one sync per repository at a time).
 */
public final class Mirror implements AutoCloseable {
    static final String NAMESPACE = "refs/vortex/";
    private static final Pattern ABBREVIATED = Pattern.compile("[0-9a-f]{4,39}");

    private final RepoConfig config;
    private final Path directory;
    private final Repository repository;
    private final Duration fetchTimeout;
    /** URLs whose last fetch said the repository does not exist there. */
    private final Set<String> missingAt = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Mirror(RepoConfig config, Path directory, Repository repository, Duration fetchTimeout) {
        this.config = config;
        this.directory = directory;
        this.repository = repository;
        this.fetchTimeout = fetchTimeout;
    }

    /**
     * The stable namespace id of a URL: the first 12 hex digits of SHA-256 over the URL with its
     * user-info removed (so rotating a token embedded in a URL keeps the namespace).
     */
    public static String remoteId(String url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Urls.redact(url).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public String name() {
        return config.name();
    }

    public RepoConfig config() {
        return config;
    }

    public Path directory() {
        return directory;
    }

    /** The JGit repository, for reading trees and blobs at a commit. */
    public Repository repository() {
        return repository;
    }

    /**
     * Fetches every branch and tag of {@code url} into its namespace, removing refs the URL no
     * longer has. Returns how many commits arrived that the namespace did not reach before, and the
     * namespace's refs as the fetch left them.
     *
     * @throws IOException with a message naming what failed and no credential in it
     */
    public Fetched fetch(String url) throws IOException {
        String ns = NAMESPACE + remoteId(url) + "/";
        return fetch(url, List.of(new RefSpec("+refs/heads/*:" + ns + "heads/*"), new RefSpec("+refs/tags/*:" + ns + "tags/*")), true);
    }

    /**
     * Fetches only {@code refs} ({@code refs/heads/…} or {@code refs/tags/…}) of {@code url} into its
     * namespace — what a push webhook named, so the ref advertisement and negotiation cover one ref —
     * and leaves the namespace's other refs as they are. Where the push announced the commit each of
     * {@code refs} now points to ({@code announced}: ref → 40-hex commit; empty: none), over http(s),
     * into a namespace that has commits, the fetch is {@link AnnouncedFetch}'s one request beside the
     * ref advertisement; when that does not apply or does not deliver, the usual fetch.
     */
    public Fetched fetchRefs(String url, Set<String> refs, Map<String, String> announced) throws IOException {
        String ns = NAMESPACE + remoteId(url) + "/";
        List<RefSpec> specs = new ArrayList<>();
        for (String ref : refs) {
            if (!(ref.startsWith("refs/heads/") || ref.startsWith("refs/tags/")) || !Repository.isValidRefName(ref)) {
                throw new IllegalArgumentException("not a branch or tag ref: " + ref);
            }
            specs.add(new RefSpec("+" + ref + ":" + ns + ref.substring("refs/".length())));
        }
        Map<String, ObjectId> commits = AnnouncedFetch.commits(config.name(), url, refs, announced);
        if (!commits.isEmpty()) {
            Optional<Fetched> done = fetchAnnounced(url, ns, commits);
            if (done.isPresent()) {
                return done.get();
            }
        }
        return fetch(url, specs, false);
    }

    private Optional<Fetched> fetchAnnounced(String url, String ns, Map<String, ObjectId> commits) throws IOException {
        Optional<AnnouncedFetch.Done> done = AnnouncedFetch.fetch(config, repository, ns, url, commits, timeoutSeconds());
        return done.isEmpty() ? Optional.empty() : Optional.of(fetched(url, ns, done.get().moves(), done.get().advertisedHead()));
    }

    /**
     * A local repository's fetch is a {@link LocalCopy} of what its new commits brought, else goes
     * through {@link LocalFetch} (a bigger pipe, no thin pack); any other through JGit's transports.
     */
    private Fetched fetch(String url, List<RefSpec> specs, boolean prune) throws IOException {
        String ns = NAMESPACE + remoteId(url) + "/";
        PushTimeline.mark(config.name(), "fetch start " + (prune ? "all" : "refs"));
        Optional<java.io.File> local = LocalFetch.gitDir(url);
        Optional<LocalCopy.Copied> copied = local.flatMap(dir -> LocalCopy.attempt(repository, dir, specs, prune));
        if (copied.isPresent()) {
            return fetched(url, ns, copied.get().moves(), copied.get().head());
        }
        FetchResult result;
        try (FetchAccess access = FetchAccess.open(config.access(), url)) {
            org.eclipse.jgit.transport.CredentialsProvider credentials = local.isPresent() ? null
                    : Credentials.load(config.credentialsFile()).orElse(null);
            try {
                PushTimeline.mark(config.name(), "jgit fetch call");
                result = local.isPresent() ? LocalFetch.fetch(repository, url, local.get(), specs, prune, timeoutSeconds())
                        : Git.wrap(repository).fetch()
                        .setRemote(url)
                        .setRefSpecs(specs)
                        .setTagOpt(TagOpt.NO_TAGS)
                        .setRemoveDeletedRefs(prune)
                        .setTimeout(timeoutSeconds())
                        .setCredentialsProvider(credentials)
                        .setTransportConfigCallback(access)
                        .call();
            } catch (GitAPIException | IOException | RuntimeException e) {
                if (FetchErrors.saysMissing(e, config.credentialsFile().isEmpty())) {
                    missingAt.add(url);
                }
                String jgit = FetchErrors.describe(e, url);
                throw new IOException(access.explain(e, url).map(m -> m + " (" + jgit + ")").orElse(jgit), e);
            }
        }
        for (TrackingRefUpdate u : result.getTrackingRefUpdates()) {
            switch (u.getResult()) {
                case LOCK_FAILURE, IO_FAILURE, REJECTED, REJECTED_CURRENT_BRANCH, REJECTED_MISSING_OBJECT, REJECTED_OTHER_REASON ->
                        throw new IOException("update " + u.getLocalName() + ": " + u.getResult());
                default -> {
                    // applied
                }
            }
        }
        PushTimeline.mark(config.name(), "jgit fetch returned");
        List<NewCommits.Move> moves = result.getTrackingRefUpdates().stream()
                .map(u -> new NewCommits.Move(u.getLocalName(), u.getOldObjectId(), u.getNewObjectId())).toList();
        return fetched(url, ns, moves, result.getAdvertisedRef(Constants.HEAD));
    }

    /** How every kind of fetch of {@code url} ends: the URL answered, its HEAD ({@code advertisedHead}, null: none) kept, the refs read. */
    private Fetched fetched(String url, String ns, Collection<NewCommits.Move> moves, Ref advertisedHead) throws IOException {
        missingAt.remove(url);
        Optional<String> head = RemoteHead.remember(repository, ns, advertisedHead);
        Fetched fetched = afterFetch(ns, moves, head);
        PushTimeline.mark(config.name(), "fetch end");
        return fetched;
    }

    /** The fetch timeout in JGit's unit, whole seconds, rounded up. */
    private int timeoutSeconds() {
        return (int) Math.max(1, (fetchTimeout.toMillis() + 999) / 1000);
    }

    /** The namespace's refs after a fetch and the commits it brought, in one walk. */
    private Fetched afterFetch(String ns, Collection<NewCommits.Move> updates, Optional<String> head) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            RemoteRefs refs = read(walk, ns);
            return new Fetched(NewCommits.count(walk, ns, refs, updates), refs, head);
        }
    }

    /**
     * Runs git gc when due (see {@link MirrorGc}): what a sync run calls after it published, never a
     * fetch. True when it ran. Not concurrently with a fetch of this mirror (the run calls it).
     */
    public boolean gcIfDue() throws IOException {
        return gcIfDue(MirrorGc.PACK_LIMIT, MirrorGc.LOOSE_LIMIT);
    }

    boolean gcIfDue(int packLimit, int looseLimit) throws IOException {
        return MirrorGc.runIfDue(this, packLimit, looseLimit);
    }

    /**
     * True when the last fetch of every URL said the repository does not exist there (not a network
     * or authentication failure): what a template's repository for an unknown application gets.
     */
    public boolean missingAtEveryUrl() {
        return missingAt.containsAll(config.urls());
    }

    /**
     * The branch {@code url}'s HEAD named at its last successful fetch (what {@code git clone}
     * checks out); empty when it never fetched, or advertised no HEAD or a detached one.
     */
    public Optional<String> head(String url) throws IOException {
        return RemoteHead.branch(repository, NAMESPACE + remoteId(url) + "/");
    }

    /** The branches and tags {@code url} reported at its last successful fetch (empty if it never fetched). */
    public RemoteRefs refs(String url) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            return read(walk, NAMESPACE + remoteId(url) + "/");
        }
    }

    private RemoteRefs read(RevWalk walk, String ns) throws IOException {
        SortedMap<String, ObjectId> branches = new TreeMap<>();
        SortedMap<String, ObjectId> tags = new TreeMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(ns)) {
            String rest = ref.getName().substring(ns.length());
            Optional<ObjectId> commit = peel(walk, ref.getObjectId());
            if (commit.isEmpty()) {
                continue;
            }
            if (rest.startsWith("heads/")) {
                branches.put(rest.substring(6), commit.get());
            } else if (rest.startsWith("tags/")) {
                tags.put(rest.substring(5), commit.get());
            }
        }
        return new RemoteRefs(branches, tags);
    }

    /**
     * The commit {@code label} names in {@code url}'s namespace as {@link RemoteRefs#labels} has it (a
     * branch wins over a tag), from those two refs alone: what a push's fast path compares.
     */
    public Optional<ObjectId> label(String url, String label) throws IOException {
        String ns = NAMESPACE + remoteId(url) + "/";
        try (RevWalk walk = new RevWalk(repository)) {
            for (String kind : List.of("heads/", "tags/")) {
                Ref ref = Repository.isValidRefName(ns + kind + label) ? repository.exactRef(ns + kind + label) : null;
                Optional<ObjectId> commit = ref == null ? Optional.empty() : peel(walk, ref.getObjectId());
                if (commit.isPresent()) {
                    return commit;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Resolves a label (already {@code (_)}-decoded) to a commit: a full 40-hex commit id present in
     * the object database, else a branch or tag of the primary URL's namespace — or, if the primary
     * never fetched, of the first other URL's namespace that has it.
     */
    public Optional<ObjectId> resolve(String label) throws IOException {
        if (Names.isCommitId(label)) {
            ObjectId id = ObjectId.fromString(label);
            if (hasCommit(id)) {
                return Optional.of(id);
            }
        }
        for (RemoteRefs refs : authoritative()) {
            ObjectId id = refs.labels().get(label);
            if (id != null) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    /**
     * The commits whose id starts with {@code prefix} (4 to 39 lowercase hex digits, as git
     * accepts); empty for anything else. More than one means the abbreviation is ambiguous.
     */
    public List<ObjectId> commitsStartingWith(String prefix) throws IOException {
        if (!ABBREVIATED.matcher(prefix).matches()) {
            return List.of();
        }
        List<ObjectId> commits = new ArrayList<>();
        try (ObjectReader reader = repository.newObjectReader()) {
            for (ObjectId id : reader.resolve(AbbreviatedObjectId.fromString(prefix))) {
                if (reader.open(id).getType() == Constants.OBJ_COMMIT) {
                    commits.add(id.copy());
                }
            }
        }
        commits.sort(null);
        return commits;
    }

    /** Branch names {@link #resolve} knows. */
    public SortedSet<String> branches() throws IOException {
        SortedSet<String> names = new TreeSet<>();
        for (RemoteRefs r : authoritative()) {
            names.addAll(r.branches().keySet());
        }
        return names;
    }

    /** Tag names {@link #resolve} knows. */
    public SortedSet<String> tags() throws IOException {
        SortedSet<String> names = new TreeSet<>();
        for (RemoteRefs r : authoritative()) {
            names.addAll(r.tags().keySet());
        }
        return names;
    }

    /** The primary's namespace, or when the primary never fetched, the other URLs' namespaces in order. */
    private List<RemoteRefs> authoritative() throws IOException {
        RemoteRefs primary = refs(config.primaryUrl());
        if (!primary.isEmpty()) {
            return List.of(primary);
        }
        List<RemoteRefs> others = new ArrayList<>();
        for (String url : config.urls().subList(1, config.urls().size())) {
            others.add(refs(url));
        }
        return others;
    }

    /** True when {@code id} names a commit in the object database. */
    public boolean hasCommit(ObjectId id) throws IOException {
        if (!repository.getObjectDatabase().has(id)) {
            return false;
        }
        return repository.open(id).getType() == Constants.OBJ_COMMIT;
    }

    /** True when commit {@code ancestor} is reachable from {@code descendant} (or equal to it). */
    public boolean isAncestor(ObjectId ancestor, ObjectId descendant) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(descendant));
        } catch (MissingObjectException e) {
            return false;
        }
    }

    @Override
    public void close() {
        repository.close();
    }

    /** The commit a ref value points to, through annotated tags; empty for tags of trees or blobs. */
    static Optional<ObjectId> peel(RevWalk walk, ObjectId id) throws IOException {
        if (id == null) {
            return Optional.empty();
        }
        RevObject o = walk.peel(walk.parseAny(id));
        while (o instanceof RevTag t) {
            o = walk.peel(t.getObject());
        }
        return o instanceof RevCommit c ? Optional.of(c.copy()) : Optional.empty();
    }
}
