package dev.vortex.render;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Spring Cloud Config's symmetric {@code {cipher}} format, byte for byte: what
 * spring-security-crypto's {@code Encryptors.text(key, salt)} does — a 256-bit AES key from
 * PBKDF2WithHmacSHA1 (1024 rounds) over the key with the hex-decoded salt ({@code deadbeef} by
 * default), AES/CBC/PKCS5Padding with a random 16-byte IV, and the text {@code hex(iv ‖ ciphertext)}.
 * Text is UTF-8 both ways, and malformed UTF-8 after decryption is a failure as in Spring.
 * Thread-safe. Never logs or echoes a value.
 */
public final class SpringCipher implements TextCipher {
    private final SpringAes aes;

    /** @throws IllegalArgumentException when the salt is not hex (the message holds no key material) */
    public SpringCipher(String password, String salt) {
        byte[] saltBytes;
        try {
            saltBytes = SpringAes.hex(salt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("encrypt.salt must be hex digits (Spring's default is deadbeef)");
        }
        this.aes = new SpringAes(password, saltBytes, false);
    }

    @Override
    public String encrypt(String text) {
        return HexFormat.of().formatHex(aes.encrypt(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** @throws IllegalArgumentException when {@code hex} is not a ciphertext of this key (no detail about why) */
    @Override
    public String decrypt(String hex) {
        try {
            byte[] plain = aes.decrypt(SpringAes.hex(hex));
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(plain)).toString();
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot decrypt: not a ciphertext of this key");
        }
    }
}
