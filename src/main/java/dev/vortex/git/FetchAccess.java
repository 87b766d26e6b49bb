package dev.vortex.git;

import dev.vortex.config.RemoteAccess;
import dev.vortex.config.Urls;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * The transports of one fetch of one URL, built from the repository's {@link RemoteAccess}: for
 * SSH a session factory with the key read now and the known_hosts check; for http(s) the
 * connection factory with the CA file and the proxy. Also turns a failure into words a person can
 * act on (the refused host key with its fingerprint, the untrusted certificate).
 */
final class FetchAccess implements TransportConfigCallback, AutoCloseable {
    private final SshdSessionFactory ssh;
    private final KnownHosts knownHosts;
    private final HttpsConnections https;

    private FetchAccess(SshdSessionFactory ssh, KnownHosts knownHosts, HttpsConnections https) {
        this.ssh = ssh;
        this.knownHosts = knownHosts;
        this.https = https;
    }

    /** Reads the key (SSH) or CA file (https) for a fetch of {@code url}; fails naming the file. */
    static FetchAccess open(RemoteAccess access, String url) throws IOException {
        if (!Urls.transport(url).equals("ssh")) {
            return new FetchAccess(null, null, HttpsConnections.forFetch(access));
        }
        RemoteAccess.Ssh conf = access.ssh();
        List<KeyPair> keys = conf.privateKeyFile().isPresent() ? SshKeys.load(conf.privateKeyFile().get(), conf.passphraseFile()) : List.of();
        KnownHosts hosts = new KnownHosts(conf.knownHostsFile(), conf.strictHostKeyChecking());
        // No ~/.ssh at all: no config file, no default identities, no agent — only what the repository configures.
        File none = new File("/nonexistent/vortexd-ssh");
        SshdSessionFactory factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(none)
                .setSshDirectory(none)
                .setConfigStoreFactory((home, file, user) -> null)
                .setDefaultKeysProvider(dir -> keys)
                .setServerKeyDatabase((home, dir) -> hosts)
                .setPreferredAuthentications("publickey")
                .build(null);
        return new FetchAccess(factory, hosts, null);
    }

    @Override
    public void configure(Transport transport) {
        if (transport instanceof SshTransport t && ssh != null) {
            t.setSshSessionFactory(ssh);
        } else if (transport instanceof TransportHttp t && https != null) {
            t.setHttpConnectionFactory(https);
        }
    }

    /** The http(s) connection factory (CA file, proxy), for requests made beside JGit's; empty for SSH. */
    Optional<HttpsConnections> http() {
        return Optional.ofNullable(https);
    }

    /** A better first sentence for a failed fetch than JGit's, when there is one. */
    Optional<String> explain(Throwable failure, String url) {
        if (knownHosts != null && knownHosts.refusal().isPresent()) {
            return knownHosts.refusal();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertificateException
                    || (t instanceof SSLException && String.valueOf(t.getMessage()).contains("PKIX"))) {
                return Optional.of("TLS certificate of " + Urls.host(url)
                        + " is not trusted (" + firstLine(t.getMessage()) + "): set ca-file to the PEM bundle of the CA that signed it");
            }
            String m = String.valueOf(t.getMessage());
            if (ssh != null && (m.contains("No more authentication methods") || m.contains("Authentication canceled"))) {
                return Optional.of("ssh authentication to " + Urls.host(url)
                        + " failed: the server refused the key in ssh.private-key-file (is its public key a deploy key of the repository?)");
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }

    /** Checks a repository's key file can be read and decrypted now: the start-up check (exit 78 on failure). */
    static Optional<String> checkKey(RemoteAccess access) {
        Optional<Path> key = access.ssh().privateKeyFile();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            SshKeys.load(key.get(), access.ssh().passphraseFile());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }
}
