package dev.vortex;

import dev.vortex.config.ConfigException;
import dev.vortex.config.ConfigLoader;
import dev.vortex.config.RepoConfig;
import dev.vortex.config.Urls;
import dev.vortex.config.VortexConfig;
import dev.vortex.git.Mirrors;
import dev.vortex.render.CipherKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --check-config}: everything a start would check (file, environment, flags, every file the
 * configuration names, URLs, the data directory) without starting; whether the ports are free is
 * reported, not a problem (the running daemon holds them at {@code systemctl reload}).
 * {@code --print-config}: the effective configuration, each value with its source, URLs' user-info
 * redacted; it is YAML that {@code --config} reads back.
 */
final class ConfigCommands {
    private static final Pattern REPO_KEY = Pattern.compile("repos\\.(\\d+)\\.([a-z-]+)");
    private static final java.util.Set<String> SECRETS = java.util.Set.of("encrypt.key", "encrypt.key-store.password",
            "encrypt.key-store.secret");

    private ConfigCommands() {
    }

    /** Returns the exit code: 0 when the configuration would start, 78 otherwise. */
    static int check(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        ConfigLoader.Loaded loaded = loadOrReport(args, env, err);
        if (loaded == null) {
            return Vortexd.Exit.CONFIG.code;
        }
        loaded.warnings().forEach(w -> out.println("warning: " + w));
        List<String> problems = problems(loaded.config());
        VortexConfig c = loaded.config();
        out.println("http " + c.http().bind() + ":" + c.http().port() + ": " + portState(c.http().bind(), c.http().port()));
        out.println("ws " + c.ws().bind() + ":" + c.ws().port() + ": " + portState(c.ws().bind(), c.ws().port()));
        if (!problems.isEmpty()) {
            Vortexd.printProblems(new ConfigException(problems), err);
            return Vortexd.Exit.CONFIG.code;
        }
        out.println("configuration OK (" + (c.repos().isEmpty() ? "no repository: the demo repository would be served"
                : c.repos().size() + " repositor" + (c.repos().size() == 1 ? "y" : "ies")) + ")");
        return Vortexd.Exit.OK.code;
    }

    /** What the loader does not check but a start would trip on: file contents, the data directory. */
    static List<String> problems(VortexConfig c) {
        List<String> problems = new ArrayList<>();
        c.auth().tokensFile().ifPresent(f -> {
            try {
                Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add("auth.tokens-file: " + f + " cannot be read: " + e.getClass().getSimpleName());
            }
        });
        try {
            dev.vortex.ops.Principals.load(c.auth().principalsFile(), Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            problems.add("auth.principals-file: " + e.getMessage());
        }
        c.auth().webhookSecretFile().ifPresent(f -> {
            try {
                if (Files.readString(f, StandardCharsets.UTF_8).isBlank()) {
                    problems.add("auth.webhook-secret-file: " + f + " is empty");
                }
            } catch (IOException e) {
                problems.add("auth.webhook-secret-file: " + f + " cannot be read: " + e.getClass().getSimpleName());
            }
        });
        for (RepoConfig r : c.repos()) {
            r.credentialsFile().flatMap(Mirrors::credentialsProblem)
                    .ifPresent(p -> problems.add("repository " + r.name() + ": " + p));
        }
        keysProblem(c).ifPresent(problems::add);
        dataDirProblem(c.dataDir()).ifPresent(problems::add);
        return problems;
    }

    /**
     * A reload's configuration, refused (as an invalid file, before any step applies anything) when
     * its {@code {cipher}} key store does not open: the keys in use keep serving.
     */
    static VortexConfig keysOpen(VortexConfig c) throws ConfigException {
        Optional<String> problem = keysProblem(c);
        if (problem.isPresent()) {
            throw new ConfigException(List.of(problem.get()));
        }
        return c;
    }

    // the key store opens with its password and holds the default alias; the message names the file, never a password
    private static Optional<String> keysProblem(VortexConfig c) {
        try {
            CipherKeys.of(c.encrypt());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Optional<String> dataDirProblem(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        if (Files.exists(p)) {
            return Files.isDirectory(p) && Files.isWritable(p) ? Optional.empty()
                    : Optional.of("data-dir: " + p + " is not a writable directory");
        }
        Path parent = p.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        return parent != null && Files.isDirectory(parent) && Files.isWritable(parent) ? Optional.empty()
                : Optional.of("data-dir: " + p + " does not exist and cannot be created (" + parent + " is not writable)");
    }

    private static String portState(String bind, int port) {
        if (port == 0) {
            return "a free port is picked at start";
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(bind, port));
            return "free";
        } catch (IOException e) {
            return "in use or not bindable now (" + e.getMessage() + "); fine if it is the running vortexd";
        }
    }

    /** Returns the exit code. */
    static int print(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        ConfigLoader.Loaded loaded = loadOrReport(args, env, err);
        if (loaded == null) {
            return Vortexd.Exit.CONFIG.code;
        }
        out.print(render(loaded));
        return Vortexd.Exit.OK.code;
    }

    static String render(ConfigLoader.Loaded loaded) {
        StringBuilder sb = new StringBuilder("# vortexd effective configuration; after each value, where it came from\n");
        loaded.warnings().forEach(w -> sb.append("# warning: ").append(w).append('\n'));
        for (String key : ConfigLoader.keys()) {
            Object v = loaded.values().getOrDefault(key, ConfigLoader.defaultOf(key));
            if (SECRETS.contains(key) && !"".equals(v)) { // a secret: never printed
                line(sb, "", key, "", source(loaded, key) + "; set, value not shown");
                continue;
            }
            if (key.equals("proxy.url") && v instanceof String url) {
                v = redact(url); // a proxy URL may carry user:password
            }
            line(sb, "", key, v, source(loaded, key));
        }
        if (!loaded.config().overrides().isEmpty()) {
            sb.append("overrides:  # served to every client as the first property source\n");
            loaded.config().overrides().forEach((k, v) -> sb.append("  ").append(scalar(k)).append(": ").append(scalar(v)).append('\n'));
        }
        List<RepoConfig> repos = loaded.config().repos();
        if (repos.isEmpty()) {
            sb.append("repos: []  # none configured: the demo repository in data-dir is served\n");
            return sb.toString();
        }
        sb.append("repos:\n");
        TreeSet<Integer> indexes = new TreeSet<>();
        loaded.values().keySet().forEach(k -> {
            Matcher m = REPO_KEY.matcher(k);
            if (m.matches()) {
                indexes.add(Integer.parseInt(m.group(1)));
            }
        });
        int i = 0;
        for (Integer index : indexes) {
            repo(sb, repos.get(i++), k -> source(loaded, "repos." + index + "." + k));
        }
        for (String ignored : loaded.repoFlags()) {
            repo(sb, repos.get(i++), k -> "flag --repo");
        }
        return sb.toString();
    }

    private static void repo(StringBuilder sb, RepoConfig r, java.util.function.Function<String, String> source) {
        sb.append("  - name: ").append(scalar(r.name())).append("  # ").append(source.apply("name")).append('\n');
        line(sb, "    ", "urls", r.urls().stream().map(ConfigCommands::redact).toList(), source.apply("urls"));
        line(sb, "    ", "apps", r.apps(), source.apply("apps"));
        if (r.defaultLabel().isPresent()) {
            line(sb, "    ", "default-label", r.defaultLabel().get(), source.apply("default-label"));
        } else {
            sb.append("    # default-label: not set, the remote's HEAD is served  # default\n");
        }
        line(sb, "    ", "labels", r.labels(), source.apply("labels"));
        line(sb, "    ", "search-paths", r.searchPaths(), source.apply("search-paths"));
        line(sb, "    ", "credentials-file", r.credentialsFile().map(Path::toString).orElse(""), source.apply("credentials-file"));
        var ssh = r.access().ssh();
        line(sb, "    ", "ssh.private-key-file", ssh.privateKeyFile().map(Path::toString).orElse(""), source.apply("ssh.private-key-file"));
        line(sb, "    ", "ssh.passphrase-file", ssh.passphraseFile().map(Path::toString).orElse(""), source.apply("ssh.passphrase-file"));
        line(sb, "    ", "ssh.known-hosts-file", ssh.knownHostsFile().map(Path::toString).orElse(""), source.apply("ssh.known-hosts-file"));
        line(sb, "    ", "ssh.strict-host-key-checking", ssh.strictHostKeyChecking(), source.apply("ssh.strict-host-key-checking"));
        line(sb, "    ", "ca-file", r.access().tls().caFile().map(Path::toString).orElse(""), source.apply("ca-file"));
        line(sb, "    ", "skip-ssl-validation", r.access().tls().skipSslValidation(), source.apply("skip-ssl-validation"));
    }

    private static void line(StringBuilder sb, String indent, String key, Object value, String source) {
        String shown = value instanceof List<?> l ? l.stream().map(x -> scalar(x.toString())).toList().toString() : scalar(value.toString());
        sb.append(indent).append(key).append(": ").append(shown).append("  # ").append(source).append('\n');
    }

    private static String source(ConfigLoader.Loaded loaded, String key) {
        String origin = loaded.origins().get(key);
        if (origin == null) {
            return "default";
        }
        if (origin.startsWith("--")) {
            return "flag " + origin;
        }
        if (origin.startsWith("VORTEX_")) {
            return "env " + origin;
        }
        return "file " + loaded.file().map(Path::toString).orElse("?");
    }

    /** A URL with its user-info (user:token) replaced, so the output can be pasted into a ticket. */
    static String redact(String url) {
        return Urls.userInfo(url).map(u -> Urls.redact(url).replaceFirst("://", "://REDACTED@")).orElse(url);
    }

    /** A YAML scalar: plain when safe, else double-quoted. */
    private static String scalar(String s) {
        if (s.matches("[A-Za-z0-9_./%-]+")) {
            return s;
        }
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** The configuration, or null after printing its problems. */
    private static ConfigLoader.Loaded loadOrReport(List<String> args, Map<String, String> env, PrintStream err) {
        try {
            return ConfigLoader.loadWithSources(args, env);
        } catch (ConfigException e) {
            Vortexd.printProblems(e, err);
            return null;
        }
    }
}
