package dev.vortex.ops;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as TLS needs them: a certificate chain (leaf first), and a private key as PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) or SEC1 EC ({@code EC PRIVATE KEY});
 * the last two are rewrapped as PKCS#8 so the JDK can read them. Messages say what is wrong,
 * never show key material.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Pem() {
    }

    static List<X509Certificate> certificates(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                    .stream().map(c -> (X509Certificate) c).toList();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("is not a valid PEM certificate chain (" + e.getMessage() + ")");
        }
    }

    static PrivateKey privateKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + type + " block is not valid Base64");
            }
            return switch (type) {
                case "PRIVATE KEY" -> pkcs8(der, "RSA", "EC", "Ed25519", "EdDSA");
                case "RSA PRIVATE KEY" -> pkcs8(seq(concat(new byte[] {0x02, 0x01, 0x00}, seq(concat(RSA_OID, new byte[] {0x05, 0x00})),
                        tlv(0x04, der))), "RSA");
                case "EC PRIVATE KEY" -> pkcs8(seq(concat(new byte[] {0x02, 0x01, 0x00}, seq(concat(EC_OID, curveOf(der))),
                        tlv(0x04, der))), "EC");
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("holds an encrypted private key; give it unencrypted (file mode 0600)");
                default -> throw new IllegalArgumentException("holds a " + type + ", not a PKCS#8, PKCS#1 RSA or SEC1 EC private key");
            };
        }
        throw new IllegalArgumentException("holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) {
        for (String a : algorithms) {
            try {
                return KeyFactory.getInstance(a).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("holds a private key that is malformed or of an unsupported algorithm");
    }

    // SEC1 ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OID, [1] publicKey }
    private static byte[] curveOf(byte[] sec1) {
        try {
            int[] p = {0};
            expect(sec1, p, 0x30);
            length(sec1, p);
            while (p[0] < sec1.length) {
                int tag = sec1[p[0]++] & 0xff;
                int len = length(sec1, p);
                if (tag == 0xa0) {
                    byte[] oid = new byte[len];
                    System.arraycopy(sec1, p[0], oid, 0, len);
                    return oid;
                }
                p[0] += len;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("holds an EC PRIVATE KEY that is malformed");
        }
        throw new IllegalArgumentException("holds an EC PRIVATE KEY without its curve (parameters)");
    }

    private static void expect(byte[] b, int[] p, int tag) {
        if ((b[p[0]++] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected tag");
        }
    }

    private static int length(byte[] b, int[] p) {
        int first = b[p[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = first & 0x7f;
        if (n > 3) {
            throw new IllegalArgumentException("length too long");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = len << 8 | (b[p[0]++] & 0xff);
        }
        return len;
    }

    private static byte[] seq(byte[] body) {
        return tlv(0x30, body);
    }

    private static byte[] tlv(int tag, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = body.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
