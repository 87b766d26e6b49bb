package dev.vortex.render;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;

/**
 * Spring's RSA {@code {cipher}} format, byte for byte: what spring-security-crypto's
 * {@code RsaSecretEncryptor} (formerly spring-security-rsa) does. A random 16-byte secret is RSA
 * encrypted ({@code DEFAULT}: PKCS#1 v1.5, {@code OAEP}: OAEP with SHA-1); its lower-case hex is the
 * password of {@link SpringAes} (CBC, or GCM when {@code strong}) with the salt; the text is
 * Base64 of {@code u16 length ‖ rsa(secret) ‖ aes(text)}. UTF-8 both ways, malformed bytes
 * replaced on decryption as there. Thread-safe.
 */
final class RsaCipher implements TextCipher {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Spring's {@code RsaAlgorithm}: the JCE transformation of each name. */
    enum Algorithm {
        DEFAULT("RSA"), OAEP("RSA/ECB/OAEPPadding");

        final String jce;

        Algorithm(String jce) {
            this.jce = jce;
        }
    }

    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final Algorithm algorithm;
    private final byte[] salt;
    private final boolean strong;

    /** {@code salt}: hex as given, otherwise the hex of its UTF-8 bytes (as Spring does). */
    RsaCipher(PublicKey publicKey, PrivateKey privateKey, Algorithm algorithm, String salt, boolean strong) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.algorithm = algorithm;
        this.salt = saltBytes(salt);
        this.strong = strong;
    }

    static byte[] saltBytes(String salt) {
        try {
            return SpringAes.hex(salt);
        } catch (IllegalArgumentException e) {
            return salt.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public String encrypt(String text) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        try {
            Cipher rsa = Cipher.getInstance(algorithm.jce);
            rsa.init(Cipher.ENCRYPT_MODE, publicKey);
            byte[] secret = rsa.doFinal(random);
            byte[] body = aes(random).encrypt(text.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[2 + secret.length + body.length];
            out[0] = (byte) (secret.length >> 8);
            out[1] = (byte) secret.length;
            System.arraycopy(secret, 0, out, 2, secret.length);
            System.arraycopy(body, 0, out, 2 + secret.length, body.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA encryption failed", e);
        }
    }

    @Override
    public String decrypt(String text) {
        try {
            byte[] all = Base64.getDecoder().decode(text.getBytes(StandardCharsets.UTF_8));
            if (all.length < 2) {
                throw new IllegalArgumentException("too short");
            }
            int length = (all[0] & 0xff) << 8 | all[1] & 0xff;
            if (2 + length > all.length) {
                throw new IllegalArgumentException("truncated");
            }
            Cipher rsa = Cipher.getInstance(algorithm.jce);
            rsa.init(Cipher.DECRYPT_MODE, privateKey);
            byte[] secret = rsa.doFinal(all, 2, length);
            byte[] plain = aes(secret).decrypt(Arrays.copyOfRange(all, 2 + length, all.length));
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot decrypt: not a ciphertext of this key");
        }
    }

    private SpringAes aes(byte[] secret) {
        return new SpringAes(HexFormat.of().formatHex(secret), salt, strong);
    }
}
