package dev.vortex.ops;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A principal's secret as the principals file stores it. Passwords (HTTP Basic):
 * {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}; tokens (bearer):
 * {@code sha256$<hex>}. Anything else is a plaintext secret: it works, and the daemon warns.
 * Comparisons are constant-time; {@link #toString()} never shows the secret.
 */
public final class Credential {
    /** {@code CERTIFICATE}: no secret here; a client certificate verified by {@code tls.client-ca-file} naming the principal. */
    public enum Kind { PASSWORD, TOKEN, CERTIFICATE }

    static final String PBKDF2 = "pbkdf2-sha256$";
    static final String SHA256 = "sha256$";
    private static final int ITERATIONS = 210_000;

    private final Kind kind;
    private final boolean plaintext;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private Credential(Kind kind, boolean plaintext, int iterations, byte[] salt, byte[] hash) {
        this.kind = kind;
        this.plaintext = plaintext;
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Parses a stored password; the exception's message never holds the value. */
    public static Credential password(String stored) {
        if (!stored.startsWith(PBKDF2)) {
            return new Credential(Kind.PASSWORD, true, 0, null, sha256(stored));
        }
        String[] p = stored.split("\\$", -1);
        try {
            int iterations = Integer.parseInt(p[1]);
            byte[] salt = Base64.getDecoder().decode(p[2]);
            byte[] hash = Base64.getDecoder().decode(p[3]);
            if (p.length != 4 || iterations < 1000 || salt.length < 8 || hash.length < 16) {
                throw new IllegalArgumentException();
            }
            return new Credential(Kind.PASSWORD, false, iterations, salt, hash);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("password hash is not pbkdf2-sha256$<iterations ≥ 1000>$<salt base64>$<hash base64>");
        }
    }

    /** Parses a stored token. */
    public static Credential token(String stored) {
        if (!stored.startsWith(SHA256)) {
            return new Credential(Kind.TOKEN, true, 0, null, sha256(stored));
        }
        try {
            byte[] hash = HexFormat.of().parseHex(stored.substring(SHA256.length()));
            if (hash.length != 32) {
                throw new IllegalArgumentException();
            }
            return new Credential(Kind.TOKEN, false, 0, null, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token hash is not sha256$<64 hex digits>");
        }
    }

    /** {@code certificate: true}: the principal is whoever presents a verified client certificate with its name. */
    public static Credential certificate() {
        return new Credential(Kind.CERTIFICATE, false, 0, null, new byte[0]);
    }

    /** The stored form of a new password (random salt, 210 000 iterations). */
    public static String hashPassword(String password) {
        return hashPassword(password, ITERATIONS);
    }

    /** The stored form of a new password with {@code iterations} rounds (≥ 1000; tests use few to stay fast). */
    public static String hashPassword(String password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return PBKDF2 + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(pbkdf2(password, salt, iterations));
    }

    /** The stored form of a token. */
    public static String hashToken(String token) {
        return SHA256 + HexFormat.of().formatHex(sha256(token));
    }

    public Kind kind() {
        return kind;
    }

    public boolean plaintext() {
        return plaintext;
    }

    /** True when {@code secret} is this credential; slow for PBKDF2 by design. */
    public boolean verify(String secret) {
        if (kind == Kind.CERTIFICATE) {
            return false; // no secret opens it
        }
        byte[] presented = iterations > 0 ? pbkdf2(secret, salt, iterations) : sha256(secret);
        return MessageDigest.isEqual(presented, hash);
    }

    /** The same stored secret (a reload that changes it ends the principal's sessions). */
    boolean sameSecretAs(Credential o) {
        return kind == o.kind && iterations == o.iterations && java.util.Arrays.equals(salt, o.salt)
                && MessageDigest.isEqual(hash, o.hash);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + (plaintext ? " (plaintext)" : " (hashed)");
    }
}
