package dev.vortex.ops;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * HTTPS and WSS from {@code tls.cert-file} and {@code tls.key-file} (PEM). One {@link SSLContext}
 * serves both ports; its key manager delegates to the pair loaded last, so a reload (SIGHUP, or
 * {@link #reloadIfChanged} when the files change) takes effect for new handshakes without
 * dropping open connections. A bad new pair keeps the old one and logs why; a bad pair at start
 * is a configuration error naming the file. TLS 1.2 and 1.3 only.
 *
 * <p>With {@code tls.client-ca-file} the server asks for a client certificate (wanted, not needed:
 * password and token clients still connect); one the CA did not sign, or expired, fails the
 * handshake. The CA file is reloaded with the pair.
 */
public final class Tls implements Reloadable {
    private static final Log LOG = Log.of(Tls.class);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final InstantSource clock;
    private final SSLContext context;
    private volatile X509ExtendedKeyManager current;
    /** Verifies client certificates; null without {@code tls.client-ca-file}. */
    private volatile X509ExtendedTrustManager clients;
    private volatile Path certFile;
    private volatile Path keyFile;
    private volatile Optional<Path> clientCaFile;
    private volatile String stamp;

    private Tls(InstantSource clock, X509ExtendedKeyManager first, Path certFile, Path keyFile, Optional<Path> clientCaFile)
            throws GeneralSecurityException {
        this.clock = clock;
        this.current = first;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clientCaFile = clientCaFile;
        this.clients = clientCaFile.map(Tls::trustManager).orElse(null);
        this.stamp = stamp(certFile, keyFile, clientCaFile);
        this.context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {new Delegating()}, new TrustManager[] {new ClientTrust()}, new SecureRandom());
    }

    /**
     * TLS as configured, or empty when {@code tls.cert-file} is not set.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Optional<Tls> load(VortexConfig.Tls cfg, InstantSource clock) {
        if (cfg.certFile().isPresent() != cfg.keyFile().isPresent()) {
            throw new IllegalArgumentException("tls.cert-file and tls.key-file go together (set both for HTTPS/WSS, or neither)");
        }
        if (cfg.certFile().isEmpty()) {
            if (cfg.clientCaFile().isPresent()) {
                throw new IllegalArgumentException("tls.client-ca-file needs tls.cert-file and tls.key-file (client certificates need HTTPS)");
            }
            return Optional.empty();
        }
        Path cert = cfg.certFile().get();
        Path key = cfg.keyFile().orElseThrow();
        try {
            return Optional.of(new Tls(clock, keyManager(cert, key, clock), cert, key, cfg.clientCaFile()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JDK", e);
        }
    }

    public SSLContext context() {
        return context;
    }

    /** TLS 1.2 and 1.3 only; the JDK's default cipher suites for them; a client certificate wanted when a client CA is set. */
    public SSLParameters parameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (clients != null) {
            p.setWantClientAuth(true);
        }
        return p;
    }

    /** A server-side engine with {@link #parameters()} (the WebSocket port). */
    public SSLEngine engine() {
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        e.setSSLParameters(parameters());
        return e;
    }

    @Override
    public synchronized void reload(VortexConfig next, ConfigDiff diff) {
        next.tls().certFile().ifPresent(c -> {
            certFile = c;
            keyFile = next.tls().keyFile().orElseThrow();
            clientCaFile = next.tls().clientCaFile();
        });
        reloadNow("reload");
    }

    /** Re-reads the pair and the client CA when a file changed (size or modification time); called periodically. */
    public synchronized void reloadIfChanged() {
        if (!stamp(certFile, keyFile, clientCaFile).equals(stamp)) {
            reloadNow("files changed");
        }
    }

    /** The pair in use: the leaf certificate. */
    public X509Certificate certificate() {
        return current.getCertificateChain("vortex")[0];
    }

    private void reloadNow(String why) {
        stamp = stamp(certFile, keyFile, clientCaFile);
        try {
            X509ExtendedKeyManager pair = keyManager(certFile, keyFile, clock);
            clients = clientCaFile.map(Tls::trustManager).orElse(null);
            current = pair;
            LOG.info("tls certificate loaded", "why", why, "cert_file", certFile, "subject", certificate().getSubjectX500Principal().getName(),
                    "not_after", certificate().getNotAfter().toInstant());
        } catch (IllegalArgumentException e) {
            LOG.error("tls certificate not reloaded; keeping the one in use", "why", why, "problem", e.getMessage());
        }
    }

    private static String stamp(Path cert, Path key, Optional<Path> clientCa) {
        try {
            String ca = clientCa.isEmpty() ? "" : "/" + Files.getLastModifiedTime(clientCa.get()) + "/" + Files.size(clientCa.get());
            return Files.getLastModifiedTime(cert) + "/" + Files.size(cert) + "/" + Files.getLastModifiedTime(key) + "/" + Files.size(key) + ca;
        } catch (IOException e) {
            return "unreadable";
        }
    }

    // The CA certificates of tls.client-ca-file as a PKIX trust manager (the JDK checks signature, validity and chain).
    static X509ExtendedTrustManager trustManager(Path caFile) {
        List<X509Certificate> cas;
        try {
            cas = Pem.certificates(Files.readString(caFile, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls.client-ca-file: " + caFile + " " + message(e));
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls.client-ca-file: " + caFile + " cannot be used (" + e.getMessage() + ")");
        }
    }

    // Reads and checks a pair: the chain parses, the leaf is valid now, the key is the leaf's.
    static X509ExtendedKeyManager keyManager(Path certFile, Path keyFile, InstantSource clock) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.certificates(Files.readString(certFile, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls.cert-file: " + certFile + " " + message(e));
        }
        try {
            key = Pem.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls.key-file: " + keyFile + " " + message(e));
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalArgumentException("tls.cert-file: " + certFile + " holds a certificate valid only from "
                    + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant());
        }
        if (!matches(key, leaf)) {
            throw new IllegalArgumentException("tls.key-file: " + keyFile + " is not the private key of the certificate in " + certFile);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("vortex", key, pw, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls.key-file: " + keyFile + " cannot be used with " + certFile + " (" + e.getMessage() + ")");
        }
    }

    private static String message(Exception e) {
        return e instanceof IOException ? "cannot be read (" + e.getClass().getSimpleName() + ")" : e.getMessage();
    }

    // the key signs what the certificate's public key verifies
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The trust manager the context holds: the client CA loaded last; with none, no client certificate is accepted. */
    private final class ClientTrust extends X509ExtendedTrustManager {
        private X509ExtendedTrustManager now() throws CertificateException {
            X509ExtendedTrustManager c = clients;
            if (c == null) {
                throw new CertificateException("no tls.client-ca-file: client certificates are not accepted");
            }
            return c;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            now().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            now().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            now().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a server only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a server only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509ExtendedTrustManager c = clients;
            return c == null ? new X509Certificate[0] : c.getAcceptedIssuers();
        }
    }

    /** The key manager the context holds: whatever pair was loaded last. */
    private final class Delegating extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return current.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return current.getPrivateKey(alias);
        }
    }
}
