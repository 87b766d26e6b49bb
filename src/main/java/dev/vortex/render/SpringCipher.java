package dev.vortex.render;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Spring Cloud Config's symmetric {@code {cipher}} format, byte for byte: what
 * spring-security-crypto's {@code Encryptors.text(key, salt)} does — a 256-bit AES key from
 * PBKDF2WithHmacSHA1 (1024 rounds) over the key with the hex-decoded salt ({@code deadbeef} by
 * default), AES/CBC/PKCS5Padding with a random 16-byte IV, and the text {@code hex(iv ‖ ciphertext)}.
 * Text is UTF-8 both ways, and malformed UTF-8 after decryption is a failure as in Spring.
 * Thread-safe. Never logs or echoes a value.
 */
public final class SpringCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKey key;

    /** @throws IllegalArgumentException when the salt is not hex (the message holds no key material) */
    public SpringCipher(String password, String salt) {
        byte[] saltBytes;
        try {
            saltBytes = hex(salt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("encrypt.salt must be hex digits (Spring's default is deadbeef)");
        }
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), saltBytes, 1024, 256);
            byte[] raw = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
            this.key = new SecretKeySpec(raw, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA1 is not available", e);
        }
    }

    public String encrypt(String text) {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            byte[] body = c.doFinal(text.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, 16 + body.length);
            System.arraycopy(body, 0, out, 16, body.length);
            return HexFormat.of().formatHex(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC is not available", e);
        }
    }

    /** @throws IllegalArgumentException when {@code hex} is not a ciphertext of this key (no detail about why) */
    public String decrypt(String hex) {
        try {
            byte[] all = hex(hex);
            if (all.length < 16) {
                throw new IllegalArgumentException("not a ciphertext");
            }
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(all, 0, 16));
            byte[] plain = c.doFinal(all, 16, all.length - 16);
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(plain)).toString();
        } catch (GeneralSecurityException | CharacterCodingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot decrypt: not a ciphertext of this key");
        }
    }

    // Spring's Hex.decode: Character.digit, so any Unicode digit counts, as there
    private static byte[] hex(String s) {
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("odd length");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not hex");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
