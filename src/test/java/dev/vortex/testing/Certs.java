package dev.vortex.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in a test (EC P-256, in-process): a CA, server leaves for
 * 127.0.0.1/localhost, client leaves with a CN and SANs, any validity window; written as PEM
 * (certificate, PKCS#8 key) for the daemon and as {@link SSLContext}s for clients.
 */
public final class Certs {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key pair; {@code issuer} signs the ones it issues. */
    public record Issued(X509Certificate cert, KeyPair keys) {
        /** A leaf signed by this CA. {@code server}: for 127.0.0.1 and localhost; otherwise a client certificate with {@code sans} as DNS names. */
        public Issued issue(String cn, boolean server, Instant notBefore, Instant notAfter, String... sans) throws IOException {
            try {
                KeyPair leafKeys = ecKeys();
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(cert.getSubjectX500Principal().getName()),
                        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + cn),
                        leafKeys.getPublic());
                GeneralName[] names;
                if (server) {
                    names = new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")};
                } else {
                    names = new GeneralName[sans.length];
                    for (int i = 0; i < sans.length; i++) {
                        names[i] = new GeneralName(GeneralName.dNSName, sans[i]);
                    }
                }
                if (names.length > 0) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
                return new Issued(sign(b, keys), leafKeys);
            } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
                throw new IOException(e);
            }
        }

        public Issued issue(String cn, boolean server, String... sans) throws IOException {
            return issue(cn, server, Instant.now().minusSeconds(3600), Instant.now().plusSeconds(2 * 86400), sans);
        }

        public Path writeCert(Path file) throws IOException {
            return Files.writeString(file, pem("CERTIFICATE", encoded(cert)));
        }

        public Path writeKey(Path file) throws IOException {
            return Files.writeString(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        }

        /** A client context presenting this certificate and trusting {@code ca} (no certificate: {@link Certs#trusting}). */
        public SSLContext clientContext(Issued ca) throws IOException {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("me", keys.getPrivate(), new char[0], new Certificate[] {cert});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), trustManagers(ca), null);
                return ctx;
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }
    }

    private Certs() {
    }

    /** A new self-signed CA. */
    public static Issued ca(String name) throws IOException {
        try {
            KeyPair keys = ecKeys();
            X500Name n = new X500Name("CN=" + name);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(2 * 86400)), n, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            return new Issued(sign(b, keys), keys);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException(e);
        }
    }

    /** A client context that presents no certificate and trusts {@code ca}. */
    public static SSLContext trusting(Issued ca) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers(ca), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Issued ca) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        return gen.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static byte[] encoded(X509Certificate c) throws IOException {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
