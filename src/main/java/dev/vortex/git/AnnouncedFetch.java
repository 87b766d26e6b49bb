package dev.vortex.git;

import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import dev.vortex.ops.Log;
import dev.vortex.ops.PushTimeline;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * A push webhook's fetch of the refs it named at the commits it announced, in the time of one
 * request: JGit's ref advertisement of the URL and one {@link UploadPackPost} that wants the
 * announced commits run side by side, where JGit's fetch runs the advertisement, a negotiation and
 * the pack one after the other. The webhook stays a hint: a ref moves only when the advertisement
 * says the remote has it at the announced commit, the pack arrived and every object reachable from
 * it is in the mirror — what JGit's fetch would have done. Anything else is an empty answer, and the
 * caller fetches as usual (the objects an attempt stored stay unreferenced until gc prunes them).
 */
final class AnnouncedFetch {
    private static final Log LOG = Log.of(AnnouncedFetch.class);
    /** Haves offered: the namespace's tips, the announced refs' first; more buys nothing for a push of a few commits. */
    static final int MAX_HAVES = 32;

    /** What the attempt did: the namespace refs it moved and the remote's HEAD as advertised (null: none). */
    record Done(List<NewCommits.Move> moves, Ref advertisedHead) {
    }

    private final Repository repository;
    private final String repo;
    private final String ns;
    private final String url;
    private final FetchAccess access;
    private final CredentialsProvider credentials;
    private final int timeoutSeconds;

    /**
     * @param credentials the repository's credentials (null: none), as the normal fetch gets them
     * @param access      the transports of the normal fetch (CA file, proxy)
     */
    private AnnouncedFetch(Repository repository, String repo, String ns, String url, FetchAccess access,
                           CredentialsProvider credentials, int timeoutSeconds) {
        this.repository = repository;
        this.repo = repo;
        this.ns = ns;
        this.url = url;
        this.access = access;
        this.credentials = credentials;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * The announced commits of {@code refs} (ref → commit from {@code announced}) when the announced
     * fetch applies: an http(s) URL and a commit (not all zeros) for every ref; else empty.
     */
    static Map<String, ObjectId> commits(String repo, String url, Set<String> refs, Map<String, String> announced) {
        String transport = Urls.transport(url);
        Map<String, ObjectId> commits = new LinkedHashMap<>();
        for (String ref : refs) {
            String commit = announced.get(ref);
            if (commit != null && Names.isCommitId(commit) && !ObjectId.zeroId().name().equals(commit)) {
                commits.put(ref, ObjectId.fromString(commit));
            }
        }
        if (commits.isEmpty() || commits.size() < refs.size()) {
            return Map.of();
        }
        if (!transport.equals("http") && !transport.equals("https")) {
            LOG.debug("announced fetch not used", "repo", repo, "reason", "a " + transport + " URL");
            return Map.of();
        }
        return commits;
    }

    /**
     * Fetches {@code announced} (full ref name → commit, as {@link #commits} chose) from {@code url}
     * into namespace {@code ns} of {@code config}'s mirror, with the transports (CA file, proxy) and
     * credentials its usual fetch gets; or says why not (logged at debug). Empty means nothing was
     * moved and the caller fetches as usual — also when the CA or credentials file cannot be read,
     * which the usual fetch then reports.
     */
    static Optional<Done> fetch(RepoConfig config, Repository repository, String ns, String url, Map<String, ObjectId> announced,
                                int timeoutSeconds) {
        try (FetchAccess access = FetchAccess.open(config.access(), url)) {
            CredentialsProvider credentials = Credentials.load(config.credentialsFile()).orElse(null);
            return new AnnouncedFetch(repository, config.name(), ns, url, access, credentials, timeoutSeconds).attempt(announced);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<Done> attempt(Map<String, ObjectId> announced) {
        PushTimeline.mark(repo, "announced fetch start");
        try {
            Optional<Done> done = run(announced);
            PushTimeline.mark(repo, done.isPresent() ? "announced fetch end" : "announced fetch fallback");
            return done;
        } catch (IOException | RuntimeException e) {
            LOG.debug("announced fetch failed, fetching as usual", "repo", repo, "reason", reason(e));
            PushTimeline.mark(repo, "announced fetch fallback");
            return Optional.empty();
        }
    }

    private Optional<Done> run(Map<String, ObjectId> announced) throws IOException {
        List<ObjectId> haves = haves(announced.keySet());
        if (haves.isEmpty()) {
            return fallback("the namespace has no commits yet");
        }
        URIish uri;
        try {
            uri = new URIish(url);
        } catch (URISyntaxException e) {
            return fallback("URL not understood");
        }
        FutureTask<Map<String, Ref>> advertisement = new FutureTask<>(() -> advertise(uri, announced.keySet()));
        Thread.ofVirtual().name("announced-fetch-refs").start(advertisement);
        Exception post = null; // the advertisement is awaited whatever the POST did: no request of this attempt outlives it
        try {
            UploadPackPost.fetch(repository, access.http().orElseThrow(), endpoint(uri), authorization(uri),
                    List.copyOf(new LinkedHashSet<>(announced.values())), haves, timeoutSeconds * 1000);
            PushTimeline.mark(repo, "announced pack stored");
        } catch (IOException | RuntimeException e) {
            post = e;
        }
        Map<String, Ref> advertised;
        try {
            advertised = advertised(advertisement);
        } catch (IOException e) {
            // both failing: both reasons, the POST's (a host's band-3 message) is the one to debug the fast path
            return fallback((post == null ? "" : "upload-pack POST: " + reason(post) + "; ") + e.getMessage());
        }
        PushTimeline.mark(repo, "announced refs advertised");
        if (post != null) {
            return fallback("upload-pack POST: " + reason(post));
        }
        for (Map.Entry<String, ObjectId> a : announced.entrySet()) {
            Ref ref = advertised.get(a.getKey());
            if (ref == null || !a.getValue().equals(ref.getObjectId())) {
                return fallback("the remote has " + a.getKey() + " at " + (ref == null ? "nothing" : ref.getObjectId().name())
                        + ", not the announced " + a.getValue().name());
            }
        }
        try (ObjectWalk walk = new ObjectWalk(repository)) {
            for (ObjectId id : announced.values()) {
                walk.markStart(walk.parseAny(id));
            }
            for (ObjectId have : haves) {
                walk.markUninteresting(walk.parseAny(have));
            }
            walk.checkConnectivity();
        } catch (MissingObjectException e) {
            return fallback("the pack left " + e.getObjectId().name() + " missing");
        }
        PushTimeline.mark(repo, "announced pack connected");
        List<NewCommits.Move> moves = new ArrayList<>();
        for (Map.Entry<String, ObjectId> a : announced.entrySet()) {
            NamespaceRefs.set(repository, ns + a.getKey().substring(Constants.R_REFS.length()), a.getValue(), "fetch: announced commit")
                    .ifPresent(moves::add);
        }
        return Optional.of(new Done(moves, advertised.get(Constants.HEAD)));
    }

    /** The namespace's ref values (a tag's own id is an object the host knows too), those of {@code refs} first, at most {@link #MAX_HAVES}. */
    private List<ObjectId> haves(Set<String> refs) throws IOException {
        Set<ObjectId> tips = new LinkedHashSet<>();
        for (String ref : refs) {
            Ref r = repository.exactRef(ns + ref.substring(Constants.R_REFS.length()));
            if (r != null && r.getObjectId() != null) {
                tips.add(r.getObjectId());
            }
        }
        for (Ref r : repository.getRefDatabase().getRefsByPrefix(ns)) {
            if (r.getObjectId() != null && tips.size() < MAX_HAVES) {
                tips.add(r.getObjectId());
            }
        }
        return List.copyOf(tips);
    }

    /** JGit's advertisement of the announced refs and HEAD, through the normal fetch's transport settings. */
    private Map<String, Ref> advertise(URIish uri, Set<String> refs) throws IOException {
        try (Transport transport = Transport.open(repository, uri)) {
            access.configure(transport);
            if (credentials != null) {
                transport.setCredentialsProvider(credentials);
            }
            transport.setTimeout(timeoutSeconds);
            List<RefSpec> specs = refs.stream().map(RefSpec::new).toList();
            try (FetchConnection connection = transport.openFetch(specs, Constants.HEAD)) {
                return connection.getRefsMap();
            }
        }
    }

    private Map<String, Ref> advertised(FutureTask<Map<String, Ref>> advertisement) throws IOException {
        try {
            return advertisement.get();
        } catch (ExecutionException e) {
            throw new IOException("ref advertisement: " + reason(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** {@code <url>/git-upload-pack} without user-info (credentials go in a header). */
    private static URL endpoint(URIish uri) throws IOException {
        String base = uri.setUser(null).setPass(null).toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        try {
            return new URI(base + "/git-upload-pack").toURL();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UploadPackPost.Refused("URL not understood");
        }
    }

    /** Basic credentials as JGit's transport would answer a challenge: the credentials file's, else the URL's user-info. */
    private Optional<String> authorization(URIish uri) {
        CredentialItem.Username user = new CredentialItem.Username();
        CredentialItem.Password password = new CredentialItem.Password();
        String u = null;
        char[] p = null;
        if (credentials != null && credentials.get(uri, user, password)) {
            u = user.getValue();
            p = password.getValue();
        } else if (uri.getUser() != null && uri.getPass() != null) {
            u = uri.getUser();
            p = uri.getPass().toCharArray();
        }
        if (u == null || p == null) {
            return Optional.empty();
        }
        String header = "Basic " + Base64.getEncoder().encodeToString((u + ":" + new String(p)).getBytes(StandardCharsets.UTF_8));
        password.clear();
        return Optional.of(header);
    }

    private Optional<Done> fallback(String reason) {
        LOG.debug("announced fetch not used, fetching as usual", "repo", repo, "reason", reason);
        return Optional.empty();
    }

    /** A failure's class and messages, with the URL's user-info taken out as the normal fetch's errors have it. */
    private String reason(Throwable e) {
        return e.getClass().getSimpleName() + ": " + FetchErrors.describe(e, url);
    }
}
