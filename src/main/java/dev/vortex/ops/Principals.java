package dev.vortex.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Who may do what: the principals of {@code auth.principals-file} (YAML, see README) plus, for
 * compatibility, each line of {@code auth.tokens-file} as a principal with every scope. Both are
 * re-read by {@link #reload(VortexConfig, ConfigDiff)} (SIGHUP); a bad file at start is an error, a bad file on reload
 * keeps what was loaded. Secrets are never logged; a plaintext one is warned about by name.
 *
 * <p>PBKDF2 makes a Basic check slow on purpose, so verified {@code Authorization} values are
 * remembered (by their SHA-256, never in clear) until the next reload, at most {@value #CACHE}.
 */
public final class Principals implements Reloadable {
    private static final Log LOG = Log.of(Principals.class);
    private static final int CACHE = 4096;

    private volatile Optional<Path> principalsFile;
    private volatile Optional<Path> tokensFile;
    private volatile Table table;
    private volatile Consumer<Set<String>> onRemoved = names -> { };

    /** What an {@code Authorization} header amounted to. */
    public sealed interface Outcome {
    }

    /** No credentials presented. */
    public record Absent() implements Outcome {
    }

    /** Credentials presented that match no principal. */
    public record Wrong() implements Outcome {
    }

    public record Known(Principal principal) implements Outcome {
    }

    /** @param fromTokensFile a line of the old tokens file: plaintext by nature, not warned about */
    private record Entry(Principal principal, Credential credential, boolean fromTokensFile) {
    }

    private record Table(Map<String, Entry> byName, List<Entry> tokens, Map<String, Principal> verified) {
    }

    private Principals(Optional<Path> principalsFile, Optional<Path> tokensFile, Table table) {
        this.principalsFile = principalsFile;
        this.tokensFile = tokensFile;
        this.table = table;
    }

    /** Reads both files now; problems are returned as messages naming the file (never a secret). */
    public static Principals load(Optional<Path> principalsFile, Optional<Path> tokensFile) throws IOException {
        Principals p = new Principals(principalsFile, tokensFile, null);
        p.table = p.read();
        p.warnPlaintext();
        return p;
    }

    public static Principals none() {
        return new Principals(Optional.empty(), Optional.empty(), new Table(Map.of(), List.of(), Map.of()));
    }

    /** Any credential file is configured: the admin API and the WebSocket need a principal. */
    public boolean required() {
        return principalsFile.isPresent() || tokensFile.isPresent();
    }

    /** A principals file is configured: configuration reads, /metrics and the status page need a principal too. */
    public boolean scoped() {
        return principalsFile.isPresent();
    }

    /** Told the names of principals that are gone or whose credential changed after a reload (their sessions end). */
    public void onRemoved(Consumer<Set<String>> listener) {
        this.onRemoved = listener;
    }

    /**
     * A configuration reload (SIGHUP): the files it names are read; when they cannot be, the reload
     * fails and the running principals stay.
     */
    @Override
    public synchronized void reload(VortexConfig next, ConfigDiff diff) throws IOException {
        Optional<Path> oldPrincipals = principalsFile;
        Optional<Path> oldTokens = tokensFile;
        principalsFile = next.auth().principalsFile();
        tokensFile = next.auth().tokensFile();
        try {
            swap(read());
        } catch (IOException | IllegalArgumentException e) {
            principalsFile = oldPrincipals;
            tokensFile = oldTokens;
            throw new IOException("principals not reloaded: " + e.getMessage());
        }
    }

    private void swap(Table next) {
        Table old = table;
        table = next;
        warnPlaintext();
        Set<String> removed = new TreeSet<>();
        old.byName().forEach((name, e) -> {
            Entry now = next.byName().get(name);
            if (now == null || !now.credential().sameSecretAs(e.credential())) {
                removed.add(name);
            }
        });
        LOG.info("principals reloaded", "count", next.byName().size(), "removed", String.join(",", removed));
        if (!removed.isEmpty()) {
            onRemoved.accept(removed);
        }
    }

    /** Checks an {@code Authorization} header value ({@code Basic …} or {@code Bearer …}); null means none sent. */
    public Outcome authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Absent();
        }
        Table t = table;
        String key = HexFormat.of().formatHex(Credential.sha256(authorization));
        Principal hit = t.verified().get(key);
        if (hit != null) {
            return new Known(hit);
        }
        Optional<Principal> found = Optional.empty();
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            found = basic(t, authorization.substring(6).trim());
        } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            found = bearer(t, authorization.substring(7).trim());
        }
        if (found.isEmpty()) {
            return new Wrong();
        }
        synchronized (t.verified()) {
            if (t.verified().size() >= CACHE) {
                t.verified().clear();
            }
            t.verified().put(key, found.get());
        }
        return new Known(found.get());
    }

    /**
     * The {@code Authorization} header when one is sent, otherwise the principal with
     * {@code certificate: true} named by the verified client certificate's CN or a SAN
     * ({@code certificateNames}, in that order); {@link Absent} when neither names anyone.
     */
    public Outcome authenticate(String authorization, List<String> certificateNames) {
        if (authorization != null && !authorization.isBlank()) {
            return authenticate(authorization);
        }
        Table t = table;
        for (String name : certificateNames) {
            Entry e = t.byName().get(name);
            if (e != null && e.credential().kind() == Credential.Kind.CERTIFICATE) {
                return new Known(e.principal());
            }
        }
        return new Absent();
    }

    /** A token given without a header (WebSocket query or subprotocol). */
    public Outcome authenticateToken(String token) {
        return token == null || token.isEmpty() ? new Absent() : authenticate("Bearer " + token);
    }

    private static Optional<Principal> basic(Table t, String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Entry e = t.byName().get(decoded.substring(0, colon));
        if (e == null || e.credential().kind() != Credential.Kind.PASSWORD) {
            return Optional.empty();
        }
        return e.credential().verify(decoded.substring(colon + 1)) ? Optional.of(e.principal()) : Optional.empty();
    }

    private static Optional<Principal> bearer(Table t, String token) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Principal found = null;
        for (Entry e : t.tokens()) { // every token is compared: no early exit
            if (e.credential().verify(token) && found == null) {
                found = e.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    private Table read() throws IOException {
        Map<String, Entry> byName = new LinkedHashMap<>();
        if (principalsFile.isPresent()) {
            readPrincipals(principalsFile.get(), byName);
        }
        if (tokensFile.isPresent()) {
            int n = 0;
            for (String line : Files.readAllLines(tokensFile.get(), StandardCharsets.UTF_8)) {
                String token = line.strip();
                if (!token.isEmpty() && !token.startsWith("#")) {
                    String name = "token-" + (++n);
                    byName.putIfAbsent(name, new Entry(new Principal(name, Principal.ANYONE.scopes()), Credential.token(token), true));
                }
            }
        }
        List<Entry> tokens = byName.values().stream().filter(e -> e.credential().kind() == Credential.Kind.TOKEN).toList();
        return new Table(Map.copyOf(byName), tokens, new LinkedHashMap<>());
    }

    private static void readPrincipals(Path file, Map<String, Entry> out) throws IOException {
        JsonNode root;
        try {
            root = Yaml.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid YAML (" + firstLine(e.getMessage()) + ")");
        }
        JsonNode list = root == null ? null : root.get("principals");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": needs a 'principals:' list");
        }
        List<String> problems = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) {
            String where = file + ": principals[" + i++ + "]";
            String name = n.path("name").asText("");
            if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
                problems.add(where + ".name: must be 1-64 of letters, digits, . _ @ -");
                continue;
            }
            where = file + ": principal '" + name + "'";
            if (out.containsKey(name)) {
                problems.add(where + ": the name is used twice");
                continue;
            }
            boolean hasPassword = n.hasNonNull("password");
            boolean hasToken = n.hasNonNull("token");
            if (n.has("certificate") && !n.get("certificate").isBoolean()) {
                problems.add(where + ".certificate: must be true or false");
                continue;
            }
            boolean certificate = n.path("certificate").asBoolean(false);
            if ((hasPassword ? 1 : 0) + (hasToken ? 1 : 0) + (certificate ? 1 : 0) != 1) {
                problems.add(where + ": needs exactly one of password (HTTP Basic), token (bearer) or certificate: true"
                        + " (a client certificate whose CN or SAN is the name)");
                continue;
            }
            Credential c;
            try {
                c = certificate ? Credential.certificate()
                        : hasPassword ? Credential.password(n.get("password").asText()) : Credential.token(n.get("token").asText());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
                continue;
            }
            List<Scope> scopes = new ArrayList<>();
            JsonNode s = n.path("scopes");
            if (!s.isArray() || s.isEmpty()) {
                problems.add(where + ".scopes: needs a list (read:<app-pattern>[@<repo>], watch:<app-pattern>, admin)");
                continue;
            }
            for (JsonNode one : s) {
                try {
                    scopes.add(Scope.parse(one.asText()));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
            out.put(name, new Entry(new Principal(name, scopes), c, false));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private void warnPlaintext() {
        table.byName().values().stream().filter(e -> e.credential().plaintext() && !e.fromTokensFile())
                .forEach(e -> LOG.warn("principal has a plaintext " + e.credential().kind().name().toLowerCase(java.util.Locale.ROOT)
                        + "; store it hashed (vortexd --hash-password / --hash-token)", "principal", e.principal().name()));
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Built at the first principals file read, not at start: a daemon without one never pays for the YAML reader. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }
}
