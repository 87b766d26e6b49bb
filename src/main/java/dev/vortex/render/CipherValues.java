package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Decrypts {@code {cipher}…} values of an Environment as Spring Cloud Config's
 * {@code CipherEnvironmentEncryptor} does: the key is removed and put back (so it moves to the end
 * of its source) with the plain text, or — when the value cannot be decrypted, or no key is
 * configured — as {@code invalid.<key>} with the value {@code <n/a>}. The value's {@code {key:NAME}}
 * and {@code {secret:…}} prefixes choose the key ({@link CipherKeys}); {@code {plain}} ends them.
 *
 * <p>Failures are counted ({@code vortex_cipher_failures_total{repo}}), logged once per source
 * and key, and kept per repository for the status API ({@link #failures}) — file and key, never the value.
 */
public final class CipherValues {
    private static final Log LOG = Log.of(CipherValues.class);
    static final String PREFIX = "{cipher}";
    /** Failures kept per repository for the status API; past that the oldest is dropped. */
    static final int MAX_KEPT = 100;

    private final Optional<CipherKeys> keys;
    private final Metrics.Counter failures;
    private final Set<List<String>> logged = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<List<String>, CipherFailure>> kept = new ConcurrentHashMap<>();
    // per blob, the keys of its {cipher} values that do not decrypt with their reasons: a file is tried once
    private final Cache<ObjectId, List<List<String>>> scanned;

    public CipherValues(Optional<CipherKeys> keys, Metrics metrics) {
        this.keys = keys;
        this.failures = metrics.counter("vortex_cipher_failures_total",
                "{cipher} values that could not be decrypted (served as invalid.<key>: <n/a>)", "repo");
        this.scanned = Caches.bounded("ciphers", 4096, l -> 1, metrics);
    }

    /** The values of {@code repo} that could not be decrypted, oldest first (at most {@value #MAX_KEPT}). */
    public List<CipherFailure> failures(String repo) {
        Map<List<String>, CipherFailure> m = kept.get(repo);
        if (m == null) {
            return List.of();
        }
        synchronized (m) {
            return List.copyOf(m.values());
        }
    }

    /**
     * Tries every {@code {cipher}} value of a file of a commit being checked, so the status names
     * the ones that do not decrypt before any client asks for them (not counted: nothing was served).
     */
    void scan(String repo, String commit, String path, ObjectId blob, ParseResult.Parsed parsed) {
        List<List<String>> bad = scanned.getIfPresent(blob);
        if (bad == null) {
            bad = new ArrayList<>();
            for (Document d : parsed.documents()) {
                for (Map.Entry<String, Object> e : d.source().entrySet()) {
                    if (e.getValue() instanceof String value && value.startsWith(PREFIX)) {
                        try {
                            decryptValue(value.substring(PREFIX.length()));
                        } catch (IllegalArgumentException ex) {
                            bad.add(List.of(e.getKey(), ex.getMessage()));
                        }
                    }
                }
            }
            scanned.put(blob, List.copyOf(bad));
        }
        for (List<String> b : bad) {
            keep(repo, new CipherFailure(path, b.get(0), commit, b.get(1)));
        }
    }

    /** The source with its {@code {cipher}} values decrypted; the same object when it has none. */
    Environment.PropertySource decrypt(String repo, String commit, Environment.PropertySource s) {
        if (!anyEncrypted(s.source())) {
            return s;
        }
        Map<String, Object> map = new LinkedHashMap<>(s.source());
        for (Map.Entry<String, Object> e : new ArrayList<>(s.source().entrySet())) {
            if (!(e.getValue() instanceof String value) || !value.startsWith(PREFIX)) {
                continue;
            }
            String name = e.getKey();
            Object plain;
            map.remove(name);
            try {
                plain = decryptValue(value.substring(PREFIX.length()));
            } catch (IllegalArgumentException ex) {
                failed(repo, commit, s, name, ex.getMessage());
                name = "invalid." + name;
                plain = "<n/a>";
            }
            map.put(name, plain);
        }
        return new Environment.PropertySource(s.name(), map, s.origins(), s.path(), s.document());
    }

    // asked only of the sources whose document holds a {cipher} value (Document#ciphers)
    private static boolean anyEncrypted(Map<String, Object> source) {
        for (Object v : source.values()) {
            if (v instanceof String t && t.startsWith(PREFIX)) {
                return true;
            }
        }
        return false;
    }

    private void failed(String repo, String commit, Environment.PropertySource s, String key, String reason) {
        failures.inc(repo);
        String file = s.path() != null ? s.path() : s.name();
        if (logged.size() > 10_000) {
            logged.clear();
        }
        if (logged.add(List.of(repo, s.name(), key))) {
            LOG.warn("cannot decrypt a {cipher} value; served as invalid.<key>", "repo", repo, "source", s.name(),
                    "key", key, "reason", reason);
        }
        keep(repo, new CipherFailure(file, key, commit, reason));
    }

    /**
     * The failures {@link #scan} found in files of commit {@code from} that commit {@code to} holds
     * unchanged (every file but {@code changed}), kept for {@code to} too, as scanning them again would.
     */
    void carry(String repo, String from, String to, Set<String> changed) {
        Map<List<String>, CipherFailure> m = kept.get(repo);
        if (m == null) {
            return;
        }
        List<CipherFailure> same = new ArrayList<>();
        synchronized (m) {
            m.values().stream().filter(f -> f.commit().equals(from) && !changed.contains(f.file())).forEach(same::add);
        }
        same.forEach(f -> keep(repo, new CipherFailure(f.file(), f.key(), to, f.reason())));
    }

    private void keep(String repo, CipherFailure f) {
        Map<List<String>, CipherFailure> m = kept.computeIfAbsent(repo, r -> new LinkedHashMap<>());
        List<String> id = List.of(f.file(), f.key(), f.commit());
        synchronized (m) {
            m.remove(id);
            m.put(id, f);
            if (m.size() > MAX_KEPT) {
                m.remove(m.keySet().iterator().next());
            }
        }
    }

    // the message is ours, never the value's: "no encrypt.key …", "no key with alias …", "cannot decrypt: …"
    private String decryptValue(String text) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no encrypt.key or encrypt.key-store configured");
        }
        TextCipher cipher = keys.get().locate(CipherPrefix.keys(text));
        return cipher.decrypt(CipherPrefix.strip(text));
    }
}
