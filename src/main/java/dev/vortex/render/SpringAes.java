package dev.vortex.render;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * spring-security-crypto's {@code AesBytesEncryptor} as {@code Encryptors.standard} (CBC) and
 * {@code Encryptors.stronger} (GCM) make it: a 256-bit AES key from PBKDF2WithHmacSHA1 (1024
 * rounds) over the password and the salt, a random 16-byte IV, and {@code iv ‖ ciphertext}.
 * Thread-safe.
 */
final class SpringAes {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKey key;
    private final boolean gcm;

    SpringAes(String password, byte[] salt, boolean gcm) {
        this.gcm = gcm;
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 1024, 256);
            byte[] raw = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(spec).getEncoded();
            this.key = new SecretKeySpec(raw, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA1 is not available", e);
        }
    }

    byte[] encrypt(byte[] plain) {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = cipher();
            c.init(Cipher.ENCRYPT_MODE, key, parameters(iv));
            byte[] body = c.doFinal(plain);
            byte[] out = Arrays.copyOf(iv, 16 + body.length);
            System.arraycopy(body, 0, out, 16, body.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    /** @throws IllegalArgumentException when {@code all} is not a ciphertext of this key */
    byte[] decrypt(byte[] all) {
        if (all.length < 16) {
            throw new IllegalArgumentException("not a ciphertext");
        }
        try {
            Cipher c = cipher();
            c.init(Cipher.DECRYPT_MODE, key, parameters(Arrays.copyOf(all, 16)));
            return c.doFinal(all, 16, all.length - 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a ciphertext of this key");
        }
    }

    private Cipher cipher() throws GeneralSecurityException {
        return Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "AES/CBC/PKCS5Padding");
    }

    private AlgorithmParameterSpec parameters(byte[] iv) {
        return gcm ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv);
    }

    // Spring's Hex.decode: Character.digit, so any Unicode digit counts, as there
    static byte[] hex(String s) {
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
