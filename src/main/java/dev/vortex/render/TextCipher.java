package dev.vortex.render;

/** One key's {@code {cipher}} format: text in, text out (Spring's {@code TextEncryptor}). Thread-safe. */
public interface TextCipher {
    String encrypt(String text);

    /** @throws IllegalArgumentException when {@code text} is not a ciphertext of this key (the message never holds it) */
    String decrypt(String text);
}
