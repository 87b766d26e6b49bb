package dev.vortex.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Key stores made for one test, as {@code keytool -genkeypair -keyalg RSA} makes them for Spring
 * Cloud Config: one RSA key pair per alias (1024 bits: quick to make, and the format does not depend on the size), each with a self-signed certificate.
 */
public final class KeyStores {
    private KeyStores() {
    }

    /** Writes a {@code type} (PKCS12 or JKS) store to {@code file}: each alias a new RSA pair with the key password {@code secret}. */
    public static Map<String, KeyPair> rsa(Path file, String type, String password, String secret, String... aliases) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(null, null);
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(1024);
            Map<String, KeyPair> pairs = new LinkedHashMap<>();
            for (String alias : aliases) {
                KeyPair pair = gen.generateKeyPair();
                ks.setKeyEntry(alias, pair.getPrivate(), secret.toCharArray(), new Certificate[] {selfSigned(pair, alias)});
                pairs.put(alias, pair);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, password.toCharArray());
            }
            return pairs;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException(e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, String alias) throws OperatorCreationException, GeneralSecurityException {
        X500Name name = new X500Name("CN=" + alias);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }
}
