package dev.vortex.git;

import dev.vortex.config.RemoteAccess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * Opens the http(s) connections of one fetch: through the configured proxy unless the host is in
 * its no-proxy list, trusting the repository's {@code ca-file} besides the JDK's roots (read once
 * per fetch), or trusting anything when {@code skip-ssl-validation} is set.
 */
final class HttpsConnections implements HttpConnectionFactory {
    private final RemoteAccess access;
    private final TrustManager[] trust;
    private final JDKHttpConnectionFactory jdk = new JDKHttpConnectionFactory();

    private HttpsConnections(RemoteAccess access, TrustManager[] trust) {
        this.access = access;
        this.trust = trust;
    }

    /** The factory for one fetch; reads the CA file now. */
    static HttpsConnections forFetch(RemoteAccess access) throws IOException {
        TrustManager[] trust = null;
        if (access.tls().skipSslValidation()) {
            trust = new TrustManager[] {new TrustAll()};
        } else if (access.tls().caFile().isPresent()) {
            trust = withCaFile(access.tls().caFile().get());
        }
        access.proxy().ifPresent(ProxyAuth::register);
        return new HttpsConnections(access, trust);
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return create(url, null);
    }

    @Override
    public HttpConnection create(URL url, Proxy ignored) throws IOException {
        Proxy proxy = access.proxy().filter(p -> !p.bypasses(url.getHost()))
                .map(p -> new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.host(), p.port())))
                .orElse(Proxy.NO_PROXY);
        HttpConnection conn = jdk.create(url, proxy);
        if (trust != null && "https".equalsIgnoreCase(url.getProtocol())) {
            try {
                conn.configure(null, trust, null);
                if (access.tls().skipSslValidation()) {
                    conn.setHostnameVerifier((host, session) -> true);
                }
            } catch (GeneralSecurityException e) {
                throw new IOException("TLS setup failed: " + e.getMessage(), e);
            }
        }
        return conn;
    }

    /** The JDK's default roots plus every certificate of the PEM bundle {@code caFile}. */
    private static TrustManager[] withCaFile(Path caFile) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, c);
                    }
                }
            }
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(caFile)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            } catch (IOException e) {
                throw new IOException("ca-file " + caFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            if (certs.isEmpty()) {
                throw new IOException("ca-file " + caFile + " holds no certificate (expected a PEM bundle)");
            }
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("ca-file " + caFile + " is not a PEM certificate bundle (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code skip-ssl-validation: true}: every certificate is accepted (warned at start, shown in status). */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // deliberately accepted: the operator turned validation off
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
