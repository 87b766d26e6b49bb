package dev.vortex.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.config.Names;
import dev.vortex.ops.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What one replica tells another. {@code push}: a webhook or refresh call it received, to be
 * acted on as if received here (but never forwarded again: {@code hop} is always 1). {@code serves}:
 * only what it serves, sent every {@code sync.interval}. Both carry the sender's served commits.
 *
 * @param id     unique per notice; a second delivery of one id is a replay
 * @param origin the sending replica's id
 * @param repo   the repository a push names ({@code ""} for {@code serves})
 * @param serves repository → label → commit the sender serves
 */
public record Notice(String id, String kind, String origin, int hop, Instant sent, String repo, Set<String> wantCommits,
                     Set<String> refs, String source, Map<String, Map<String, String>> serves) {
    public static final String PUSH = "push";
    public static final String SERVES = "serves";

    public Notice {
        wantCommits = Set.copyOf(wantCommits);
        refs = Set.copyOf(refs);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        serves.forEach((r, labels) -> copy.put(r, Map.copyOf(labels)));
        serves = Map.copyOf(copy);
    }

    static Notice push(String origin, Instant now, String repo, Set<String> wants, Set<String> refs, String source,
                       Map<String, Map<String, String>> serves) {
        return new Notice(UUID.randomUUID().toString(), PUSH, origin, 1, now, repo, wants, refs, source, serves);
    }

    static Notice serves(String origin, Instant now, Map<String, Map<String, String>> serves) {
        return new Notice(UUID.randomUUID().toString(), SERVES, origin, 1, now, "", Set.of(), Set.of(), "", serves);
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("id", id);
        m.put("kind", kind);
        m.put("origin", origin);
        m.put("hop", hop);
        m.put("sent", sent.toString());
        if (kind.equals(PUSH)) {
            m.put("repo", repo);
            m.put("want_commits", new TreeSet<>(wantCommits));
            m.put("refs", new TreeSet<>(refs));
            m.put("source", source);
        }
        m.put("serves", serves);
        try {
            return Json.mapper().writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("a notice is plain JSON", e);
        }
    }

    /** The notice in {@code body}, or why it is not one (the signature was checked before). */
    static Notice parse(byte[] body) {
        JsonNode n;
        try {
            n = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("notice is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("notice is not a JSON object");
        }
        String kind = text(n, "kind");
        if (!kind.equals(PUSH) && !kind.equals(SERVES)) {
            throw new IllegalArgumentException("notice kind must be push or serves");
        }
        String id = text(n, "id");
        String origin = text(n, "origin");
        if (id.isEmpty() || origin.isEmpty()) {
            throw new IllegalArgumentException("notice needs an id and an origin");
        }
        Instant sent;
        try {
            sent = Instant.parse(text(n, "sent"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("notice sent time is not RFC 3339");
        }
        String repo = kind.equals(PUSH) ? text(n, "repo") : "";
        if (kind.equals(PUSH)) {
            Names.checkServedName(repo).ifPresent(msg -> { // a template's repository too (cfg.shop), matched by URL at the origin
                throw new IllegalArgumentException("notice repo: " + msg);
            });
        }
        Set<String> wants = new TreeSet<>();
        for (JsonNode w : n.path("want_commits")) {
            if (!Names.isCommitId(w.asText())) {
                throw new IllegalArgumentException("notice want_commits must be 40-hex commit ids");
            }
            wants.add(w.asText());
        }
        Set<String> refs = new TreeSet<>();
        for (JsonNode r : n.path("refs")) {
            String ref = r.asText();
            if (!(ref.startsWith("refs/heads/") || ref.startsWith("refs/tags/")) || !org.eclipse.jgit.lib.Repository.isValidRefName(ref)) {
                throw new IllegalArgumentException("notice refs must be branch or tag refs");
            }
            refs.add(ref);
        }
        Map<String, Map<String, String>> serves = new LinkedHashMap<>();
        n.path("serves").properties().forEach(e -> {
            Map<String, String> labels = new LinkedHashMap<>();
            e.getValue().properties().forEach(l -> {
                if (Names.isCommitId(l.getValue().asText())) {
                    labels.put(l.getKey(), l.getValue().asText());
                }
            });
            serves.put(e.getKey(), labels);
        });
        return new Notice(id, kind, origin, n.path("hop").asInt(-1), sent, repo, wants, refs, text(n, "source"), serves);
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.path(field).asText() : "";
    }

    @Override
    public String toString() {
        return "Notice[" + kind + " " + id + " from " + origin + (repo.isEmpty() ? "" : " repo " + repo) + "]";
    }
}
