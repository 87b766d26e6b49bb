package dev.vortex.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Binds the remote-access keys: a repository's {@code ssh.*}, {@code ca-file} and
 * {@code skip-ssl-validation}, and the global {@code proxy.*} (else {@code https_proxy},
 * {@code http_proxy}, {@code no_proxy} from the environment). Problems go to the loader's list.
 */
final class RemoteAccessBinder {
    /** The repository keys bound here, as written under {@code repos[i]}. */
    static final List<String> REPO_KEYS = List.of("ssh.private-key-file", "ssh.passphrase-file", "ssh.known-hosts-file",
            "ssh.strict-host-key-checking", "ca-file", "skip-ssl-validation");

    private final Consumer<String> problems;

    RemoteAccessBinder(Consumer<String> problems) {
        this.problems = problems;
    }

    /**
     * One repository's access settings.
     *
     * @param value the repository's raw value of a key, empty when not set
     */
    RemoteAccess repo(String where, Function<String, Optional<String>> value, Optional<RemoteAccess.Proxy> proxy) {
        var ssh = new RemoteAccess.Ssh(file(where, "ssh.private-key-file", value), file(where, "ssh.passphrase-file", value),
                file(where, "ssh.known-hosts-file", value), bool(where, "ssh.strict-host-key-checking", value, true));
        if (ssh.passphraseFile().isPresent() && ssh.privateKeyFile().isEmpty()) {
            problems.accept(where + ".ssh.passphrase-file: set without ssh.private-key-file");
        }
        var tls = new RemoteAccess.Tls(file(where, "ca-file", value), bool(where, "skip-ssl-validation", value, false));
        if (tls.caFile().isPresent() && tls.skipSslValidation()) {
            problems.accept(where + ".ca-file: set together with skip-ssl-validation: true (choose one)");
        }
        return new RemoteAccess(ssh, tls, proxy);
    }

    /**
     * The proxy in use: {@code proxy.url} when set, else {@code https_proxy}/{@code HTTPS_PROXY} then
     * {@code http_proxy}/{@code HTTP_PROXY} from the environment; {@code no_proxy} likewise.
     */
    Optional<RemoteAccess.Proxy> proxy(VortexConfig.ProxySettings settings, Map<String, String> env) {
        String source = "proxy.url";
        String value = settings.url();
        if (value.isBlank()) {
            for (String name : List.of("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY")) {
                if (!env.getOrDefault(name, "").isBlank()) {
                    source = name;
                    value = env.get(name).trim();
                    break;
                }
            }
        }
        if (value.isBlank()) {
            return Optional.empty();
        }
        List<String> noProxy = !settings.noProxy().isEmpty() ? settings.noProxy()
                : Arrays.asList(env.getOrDefault("no_proxy", env.getOrDefault("NO_PROXY", "")).split(","));
        String v = value.contains("://") ? value : "http://" + value;
        try {
            URI u = URI.create(v);
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("not http");
            }
            int port = u.getPort() > 0 ? u.getPort() : 80;
            return Optional.of(new RemoteAccess.Proxy(u.getHost(), port, Optional.ofNullable(u.getUserInfo()),
                    settings.credentialsFile(), noProxy, source));
        } catch (IllegalArgumentException e) {
            problems.accept(source + ": \"" + Names.printable(Urls.redact(v)) + "\" is not an HTTP proxy URL (http://host:port)");
            return Optional.empty();
        }
    }

    private Optional<Path> file(String where, String key, Function<String, Optional<String>> value) {
        return value.apply(key).filter(s -> !s.isBlank()).flatMap(s -> readable(where + "." + key, s.trim()));
    }

    private Optional<Path> readable(String where, String s) {
        Path p = Path.of(s);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problems.accept(where + ": \"" + Names.printable(s) + "\" is not a readable file");
            return Optional.empty();
        }
        return Optional.of(p);
    }

    private boolean bool(String where, String key, Function<String, Optional<String>> value, boolean dflt) {
        Optional<String> v = value.apply(key).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Values.bool(v.get());
        } catch (IllegalArgumentException e) {
            problems.accept(where + "." + key + ": \"" + Names.printable(v.get()) + "\" is not a boolean (true or false)");
            return dflt;
        }
    }
}
