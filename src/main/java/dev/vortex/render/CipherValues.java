package dev.vortex.render;

import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decrypts {@code {cipher}…} values of an Environment as Spring Cloud Config's
 * {@code CipherEnvironmentEncryptor} does: the key is removed and put back (so it moves to the end
 * of its source) with the plain text, or — when the value cannot be decrypted, or no key is
 * configured — as {@code invalid.<key>} with the value {@code <n/a>}. {@code {key:NAME}} and other
 * {@code {name:value}} prefixes after {@code {cipher}} are stripped ({@code {plain}} ends them), as
 * Spring's prefix helper does; with one symmetric key they name nothing else.
 *
 * <p>Failures are counted ({@code vortex_cipher_failures_total{repo}}) and logged once per source
 * and key — file and key, never the value.
 */
public final class CipherValues {
    private static final Log LOG = Log.of(CipherValues.class);
    static final String PREFIX = "{cipher}";
    private static final String PLAIN = "{plain}";

    private final Optional<SpringCipher> cipher;
    private final Metrics.Counter failures;
    private final Set<List<String>> logged = ConcurrentHashMap.newKeySet();

    public CipherValues(Optional<SpringCipher> cipher, Metrics metrics) {
        this.cipher = cipher;
        this.failures = metrics.counter("vortex_cipher_failures_total",
                "{cipher} values that could not be decrypted (served as invalid.<key>: <n/a>)", "repo");
    }

    /** The environment with its {@code {cipher}} values decrypted; the same object when it has none. */
    Environment decrypt(String repo, Environment env) {
        List<Environment.PropertySource> out = null;
        for (int i = 0; i < env.propertySources().size(); i++) {
            Environment.PropertySource s = env.propertySources().get(i);
            Environment.PropertySource d = decrypt(repo, s);
            if (d != s && out == null) {
                out = new ArrayList<>(env.propertySources().subList(0, i));
            }
            if (out != null) {
                out.add(d);
            }
        }
        return out == null ? env
                : new Environment(env.name(), env.profiles(), env.label(), env.version(), List.copyOf(out));
    }

    private Environment.PropertySource decrypt(String repo, Environment.PropertySource s) {
        if (s.source().values().stream().noneMatch(v -> v instanceof String t && t.startsWith(PREFIX))) {
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
                failures.inc(repo);
                if (logged.size() > 10_000) {
                    logged.clear();
                }
                if (logged.add(List.of(repo, s.name(), name))) {
                    LOG.warn("cannot decrypt a {cipher} value; served as invalid.<key>", "repo", repo, "source", s.name(),
                            "key", name, "reason", cipher.isEmpty() ? "no encrypt.key configured" : "not a ciphertext of encrypt.key");
                }
                name = "invalid." + name;
                plain = "<n/a>";
            }
            map.put(name, plain);
        }
        return new Environment.PropertySource(s.name(), map);
    }

    private String decryptValue(String text) {
        if (cipher.isEmpty()) {
            throw new IllegalArgumentException("no key");
        }
        return cipher.get().decrypt(stripPrefix(text));
    }

    /** Spring's {@code EnvironmentPrefixHelper.stripPrefix}. */
    static String stripPrefix(String value) {
        if (!value.contains("}")) {
            return value;
        }
        if (value.contains(PLAIN)) {
            return value.substring(value.indexOf(PLAIN) + PLAIN.length());
        }
        return value.replaceFirst("^(\\{.*?:.*?\\})+", "");
    }
}
