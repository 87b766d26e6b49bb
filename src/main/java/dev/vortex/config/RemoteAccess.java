package dev.vortex.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a repository's remotes are reached: SSH keys and known hosts, extra TLS trust, an outbound
 * proxy. Only paths to secrets are held here; the files are read at every fetch.
 */
public record RemoteAccess(Ssh ssh, Tls tls, Optional<Proxy> proxy) {
    /** Plain defaults: no key, strict host checking, the JDK's trust store, no proxy. */
    public static final RemoteAccess NONE = new RemoteAccess(Ssh.NONE, Tls.NONE, Optional.empty());

    /** What is switched off that a person should know about: logged at start and shown in status. */
    public List<String> warnings() {
        List<String> w = new java.util.ArrayList<>();
        if (!ssh.strictHostKeyChecking()) {
            w.add("ssh host keys are not checked (ssh.strict-host-key-checking: false): a man in the middle would go unnoticed");
        }
        if (tls.skipSslValidation()) {
            w.add("TLS certificates are not checked (skip-ssl-validation: true): a man in the middle would go unnoticed");
        }
        return List.copyOf(w);
    }

    /**
     * {@code ssh.*} of a repository.
     *
     * @param strictHostKeyChecking false accepts any host key (warned at start, shown in status)
     */
    public record Ssh(Optional<Path> privateKeyFile, Optional<Path> passphraseFile, Optional<Path> knownHostsFile,
                      boolean strictHostKeyChecking) {
        public static final Ssh NONE = new Ssh(Optional.empty(), Optional.empty(), Optional.empty(), true);
    }

    /** {@code ca-file} (PEM bundle, trusted besides the JDK's roots) and {@code skip-ssl-validation}. */
    public record Tls(Optional<Path> caFile, boolean skipSslValidation) {
        public static final Tls NONE = new Tls(Optional.empty(), false);
    }

    /**
     * An HTTP proxy for http(s) remotes ({@code CONNECT} for https).
     *
     * @param userInfo        {@code user:password} from a proxy URL of the environment, else empty; never shown
     * @param credentialsFile {@code proxy.credentials-file}: one line {@code user:password}, read at every use
     * @param noProxy         host suffixes reached directly ({@code no_proxy} / {@code proxy.no-proxy})
     * @param source          where it came from ({@code proxy.url} or the environment variable's name), for status
     */
    public record Proxy(String host, int port, Optional<String> userInfo, Optional<Path> credentialsFile,
                        List<String> noProxy, String source) {
        public Proxy {
            noProxy = noProxy.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        }

        /** True when {@code host} is listed in {@code noProxy} (exact, a subdomain of an entry, or {@code *}). */
        public boolean bypasses(String targetHost) {
            String h = targetHost.toLowerCase(Locale.ROOT);
            for (String entry : noProxy) {
                String e = entry.startsWith("*.") ? entry.substring(1) : entry;
                if (e.equals("*") || h.equals(e.startsWith(".") ? e.substring(1) : e) || h.endsWith(e.startsWith(".") ? e : "." + e)) {
                    return true;
                }
            }
            return false;
        }

        /** {@code host:port (source)}, never the credentials. */
        @Override
        public String toString() {
            return host + ":" + port + " (" + source + ")";
        }
    }
}
