package dev.vortex.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.config.Names;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Json;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import dev.vortex.ops.PushTimeline;
import dev.vortex.sync.SyncEngine;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.lib.Repository;

/**
 * {@code POST /monitor}: push webhooks of GitHub, GitLab, Gitea/Gogs/Forgejo, Gitee and Bitbucket
 * Cloud (JSON, or GitHub's form {@code payload=}), and Spring Cloud Config Monitor's form
 * {@code path=<application names>}. The repository is matched by URL (credentials, scheme, port,
 * {@code .git} and case ignored; https and ssh forms alike); only when no URL matches, by full name
 * ({@code acme/config} against the configured URLs' paths); only when that matches nothing, by name; the
 * pushed commits become wanted commits of a refresh. When {@code auth.webhook-secret-file} is set
 * every request must be signed: HMAC-SHA256 of the body ({@code X-Hub-Signature-256},
 * {@code X-Gitea-Signature}, Bitbucket's {@code X-Hub-Signature: sha256=…}) or the secret itself
 * ({@code X-Gitlab-Token}, {@code X-Gitee-Token}; or Gitee's timestamp signature), compared in
 * constant time. Answers 202 {@code {"matched":[names]}}.
 */
public final class WebhookHandler {
    private static final Log LOG = Log.of(WebhookHandler.class);
    private static final String DELETED = "0".repeat(40);
    /** How far Gitee's signed timestamp may be from our clock (Gitee documents one hour). */
    private static final Duration GITEE_SKEW = Duration.ofHours(1);
    private static final List<String> URL_FIELDS = List.of("clone_url", "ssh_url", "html_url", "git_http_url",
            "git_ssh_url", "http_url", "web_url", "url", "homepage");
    private static final List<String> FULL_NAME_FIELDS = List.of("full_name", "path_with_namespace");
    private static final List<String> EXTENSIONS = List.of(".yml", ".yaml", ".properties", ".json");
    private static final Map<String, String> EVENT_HEADERS = Map.of("X-GitHub-Event", "github", "X-Gitlab-Event", "gitlab",
            "X-Gitea-Event", "gitea", "X-Gogs-Event", "gogs", "X-Gitee-Event", "gitee", "X-Event-Key", "bitbucket");

    /** Asks for a refresh of one repository. */
    @FunctionalInterface
    public interface Trigger {
        /** @param refs the pushed refs ({@code refs/heads/…}, {@code refs/tags/…}), fetched first */
        void refresh(String repo, Set<String> wantCommits, Set<String> refs);
    }

    /** What a push names: its new commits and the refs it moved. */
    record Push(Set<String> commits, Set<String> refs) {
        static final Push NOTHING = new Push(Set.of(), Set.of());
    }

    /** The repositories served now: a template's repositories join as they are made. */
    private final java.util.function.Supplier<List<RepoConfig>> repos;
    private final Optional<byte[]> secret;
    private final Trigger trigger;
    private final InstantSource clock;
    private final Metrics.Counter requests;

    public WebhookHandler(List<RepoConfig> repos, Optional<String> secret, Trigger trigger, InstantSource clock, Metrics metrics) {
        this(() -> repos, secret, trigger, clock, metrics);
    }

    public WebhookHandler(java.util.function.Supplier<List<RepoConfig>> repos, Optional<String> secret, Trigger trigger,
                          InstantSource clock, Metrics metrics) {
        this.repos = repos;
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8));
        this.trigger = trigger;
        this.clock = clock;
        this.requests = metrics.counter("vortex_webhook_requests_total",
                "Push webhooks by outcome (matched, unmatched, unauthorized, bad_request)", "result");
        for (String result : List.of("matched", "unmatched", "unauthorized", "bad_request")) {
            metrics.startAtZero("vortex_webhook_requests_total", result);
        }
    }

    /**
     * Production wiring: the engine's repositories and triggers (source {@code webhook}), then
     * {@code peers} told (the other replicas), the secret from {@code auth.webhook-secret-file}.
     */
    public static WebhookHandler create(VortexConfig config, SyncEngine engine, Trigger peers, Metrics metrics, InstantSource clock)
            throws IOException {
        Optional<String> secret = Optional.empty();
        if (config.auth().webhookSecretFile().isPresent()) {
            Path file = config.auth().webhookSecretFile().get();
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new IOException("auth.webhook-secret-file " + file + " is empty");
            }
            secret = Optional.of(s);
        }
        return new WebhookHandler(engine::repos, secret, (repo, wants, refs) -> {
            engine.trigger(repo, "webhook", wants, refs);
            peers.refresh(repo, wants, refs);
        }, clock, metrics);
    }

    public void register(Router router) {
        router.post("/monitor", this::handle);
    }

    private void handle(Request r) throws Exception {
        byte[] body = r.body();
        if (secret.isPresent() && !verified(r, body)) {
            requests.inc("unauthorized");
            LOG.warn("webhook refused: signature missing or wrong", "remote", r.exchange().getRemoteAddress().getAddress().getHostAddress());
            throw new ApiException(401, "webhook signature missing or wrong");
        }
        Map<String, Push> matched;
        try {
            matched = match(r.header("Content-Type").orElse(""), body);
        } catch (ApiException e) {
            requests.inc("bad_request");
            throw e;
        }
        matched.forEach((repo, push) -> trigger.refresh(repo, push.commits(), push.refs()));
        requests.inc(matched.isEmpty() ? "unmatched" : "matched");
        LOG.info("webhook", "event", event(r), "matched", String.join(",", matched.keySet()),
                "wanted", matched.values().stream().mapToInt(p -> p.commits().size()).sum());
        r.json(202, Map.of("matched", List.copyOf(matched.keySet())));
        matched.keySet().forEach(repo -> PushTimeline.mark(repo, "webhook answered"));
    }

    /** Repository name → what the push names, for a request body of the given content type. */
    Map<String, Push> match(String contentType, byte[] body) {
        if (contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form = Request.formParameters(new String(body, StandardCharsets.UTF_8), "form body");
            if (form.containsKey("payload")) {
                return fromJson(parse(form.get("payload").get(0).getBytes(StandardCharsets.UTF_8)));
            }
            if (form.containsKey("path")) {
                return fromPaths(form.get("path"));
            }
            throw new ApiException(400, "form body needs path=<application names> or payload=<json>");
        }
        return fromJson(parse(body));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode root = Json.mapper().readTree(body);
            if (root == null || !root.isObject()) {
                throw new ApiException(400, "webhook body is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new ApiException(400, "webhook body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "webhook body unreadable");
        }
    }

    private Map<String, Push> fromJson(JsonNode root) {
        Set<String> urls = new LinkedHashSet<>();
        Set<String> fullNames = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (String holder : List.of("repository", "project")) {
            JsonNode n = root.path(holder);
            URL_FIELDS.forEach(f -> text(n.path(f)).ifPresent(urls::add));
            text(n.path("links").path("html").path("href")).ifPresent(urls::add);
            FULL_NAME_FIELDS.forEach(f -> text(n.path(f)).ifPresent(v -> fullNames.add(strip(v))));
            text(n.path("name")).ifPresent(v -> names.add(v.toLowerCase(Locale.ROOT)));
        }
        Set<String> wants = new LinkedHashSet<>();
        for (String field : List.of("after", "checkout_sha")) {
            text(root.path(field)).map(s -> s.toLowerCase(Locale.ROOT))
                    .filter(c -> Names.isCommitId(c) && !c.equals(DELETED)).ifPresent(wants::add);
        }
        Set<String> refs = new LinkedHashSet<>();
        text(root.path("ref")).filter(WebhookHandler::pushable).ifPresent(refs::add);
        for (JsonNode change : root.path("push").path("changes")) {
            text(change.path("new").path("target").path("hash")).map(s -> s.toLowerCase(Locale.ROOT))
                    .filter(Names::isCommitId).ifPresent(wants::add);
            String type = change.path("new").path("type").asText("");
            text(change.path("new").path("name")).map(n -> (type.equals("tag") ? "refs/tags/" : "refs/heads/") + n)
                    .filter(r -> type.equals("branch") || type.equals("tag")).filter(WebhookHandler::pushable).ifPresent(refs::add);
        }
        Push push = wants.isEmpty() ? Push.NOTHING : new Push(Set.copyOf(wants), Set.copyOf(refs));
        Set<String> keys = new LinkedHashSet<>();
        urls.forEach(u -> keys.add(key(u)));
        // the most specific identity that matches anything wins: URL, then full name, then name
        List<Predicate<RepoConfig>> tiers = List.of(
                repo -> repo.urls().stream().anyMatch(u -> keys.contains(key(u))),
                repo -> repo.urls().stream().anyMatch(u -> fullNames.contains(path(key(u)))),
                repo -> names.contains(repo.name()) || repo.urls().stream().anyMatch(u -> names.contains(lastSegment(key(u)))));
        Map<String, Push> matched = new LinkedHashMap<>();
        for (Predicate<RepoConfig> tier : tiers) {
            repos.get().stream().filter(tier).forEach(repo -> matched.put(repo.name(), push));
            if (!matched.isEmpty()) {
                break;
            }
        }
        return matched;
    }

    /**
     * Spring Cloud Config Monitor style: each {@code path} names a changed file or an application
     * ({@code demo}, {@code demo-prod.yml}); {@code application} (or {@code *}) means every repository.
     */
    private Map<String, Push> fromPaths(List<String> paths) {
        Set<String> apps = new LinkedHashSet<>();
        boolean all = false;
        for (String value : paths) {
            for (String p : value.split(",")) {
                String name = p.strip();
                name = name.substring(name.lastIndexOf('/') + 1);
                for (String ext : EXTENSIONS) {
                    if (name.endsWith(ext)) {
                        name = name.substring(0, name.length() - ext.length());
                    }
                }
                if (name.isEmpty()) {
                    continue;
                }
                if (name.equals("application") || name.startsWith("application-") || name.equals("*")) {
                    all = true;
                }
                // "demo-prod" may be application demo with profile prod, or application demo-prod
                for (int dash = name.length(); dash > 0; dash = name.lastIndexOf('-', dash - 1)) {
                    apps.add(name.substring(0, dash));
                }
            }
        }
        Map<String, Push> matched = new LinkedHashMap<>();
        for (RepoConfig repo : repos.get()) {
            if (all || apps.stream().anyMatch(repo::servesApp)) {
                matched.put(repo.name(), Push.NOTHING);
            }
        }
        return matched;
    }

    private boolean verified(Request r, byte[] body) {
        byte[] key = secret.orElseThrow();
        Optional<String> h = r.header("X-Hub-Signature-256");
        if (h.isPresent()) {
            return hexEquals(h.get(), "sha256=", hmac(key, body));
        }
        h = r.header("X-Gitea-Signature");
        if (h.isPresent()) {
            return hexEquals(h.get(), "", hmac(key, body));
        }
        h = r.header("X-Hub-Signature");
        if (h.isPresent()) {
            return hexEquals(h.get(), "sha256=", hmac(key, body)); // Bitbucket; GitHub's legacy sha1 is not accepted
        }
        h = r.header("X-Gitlab-Token");
        if (h.isPresent()) {
            return MessageDigest.isEqual(h.get().getBytes(StandardCharsets.UTF_8), key);
        }
        h = r.header("X-Gitee-Token");
        if (h.isPresent()) {
            Optional<String> timestamp = r.header("X-Gitee-Timestamp");
            return timestamp.isPresent() ? giteeSigned(h.get(), timestamp.get(), key)
                    : MessageDigest.isEqual(h.get().getBytes(StandardCharsets.UTF_8), key);
        }
        return false;
    }

    /** Gitee's signature mode: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), maybe URL-encoded, timestamp in ms within an hour. */
    private boolean giteeSigned(String token, String timestamp, byte[] key) {
        long ms;
        try {
            ms = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Duration.between(Instant.ofEpochMilli(ms), clock.instant()).abs().compareTo(GITEE_SKEW) > 0) {
            return false;
        }
        byte[] signed = (ms + "\n" + new String(key, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        byte[] expected = Base64.getEncoder().encode(hmac(key, signed));
        String given = token.contains("%") ? URLDecoder.decode(token, StandardCharsets.UTF_8) : token;
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), expected);
    }

    private static boolean hexEquals(String header, String prefix, byte[] mac) {
        String h = header.strip();
        if (!h.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        byte[] given = h.substring(prefix.length()).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, HexFormat.of().formatHex(mac).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * A URL reduced to {@code host/path} for comparison: user-info, scheme and port dropped (https
     * and ssh forms of one repository meet), trailing {@code /} and {@code .git} dropped, lower case.
     */
    static String key(String url) {
        return (Urls.hostName(url) + "/" + strip(Urls.path(url))).toLowerCase(Locale.ROOT);
    }

    /** Leading and trailing slashes and a trailing {@code .git} removed, lower case. */
    private static String strip(String path) {
        String p = path.strip().toLowerCase(Locale.ROOT);
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.endsWith(".git") ? p.substring(0, p.length() - 4) : p;
    }

    private static String path(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    private static String lastSegment(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** A branch or tag ref with a valid name; anything else in a payload is ignored (the run fetches every ref then). */
    private static boolean pushable(String ref) {
        return (ref.startsWith("refs/heads/") || ref.startsWith("refs/tags/")) && Repository.isValidRefName(ref);
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    /** Which host sent the hook, and its event name, for the log line. */
    private static String event(Request r) {
        for (Map.Entry<String, String> h : EVENT_HEADERS.entrySet()) {
            Optional<String> v = r.header(h.getKey());
            if (v.isPresent()) {
                return h.getValue() + ":" + Names.printable(v.get());
            }
        }
        return "form";
    }
}
