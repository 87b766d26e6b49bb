package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;

/**
 * {@link SpringCipher} against the real {@code Encryptors.text} of spring-security-crypto (what
 * Spring Cloud Config uses for a symmetric {@code encrypt.key}): seeded random keys, salts and
 * texts; each side decrypts the other's ciphertexts, and tampered, truncated or wrong-key
 * ciphertexts fail on both sides alike (or decrypt to the same text on both).
 */
class SpringCipherDifferentialTest {
    private static final long SEED = 20261202L;

    @Test
    void ourCiphertextsDecryptInSpring_andSpringsDecryptHere_thousandsOfCases() {
        Random rnd = new Random(SEED);
        int cases = 0;
        for (int k = 0; k < 150; k++) {
            String key = randomText(rnd, 1 + rnd.nextInt(40));
            String salt = k % 3 == 0 ? "deadbeef" : HexFormat.of().formatHex(bytes(rnd, 1 + rnd.nextInt(16)));
            SpringCipher ours = new SpringCipher(key, salt);
            TextEncryptor spring = Encryptors.text(key, salt);
            for (int t = 0; t < 15; t++) {
                String text = randomText(rnd, rnd.nextInt(t == 0 ? 1 : 200));
                assertEquals(text, spring.decrypt(ours.encrypt(text)), "ours → Spring, seed " + SEED + " key " + k);
                assertEquals(text, ours.decrypt(spring.encrypt(text)), "Spring → ours, seed " + SEED + " key " + k);
                cases += 2;
            }
        }
        assertEquals(4500, cases);
    }

    @Test
    void tamperedTruncatedOrWrongKey_failOrSucceedExactlyAsInSpring() {
        Random rnd = new Random(SEED + 1);
        SpringCipher ours = new SpringCipher("the-key", "deadbeef");
        TextEncryptor spring = Encryptors.text("the-key", "deadbeef");
        TextEncryptor other = Encryptors.text("another-key", "deadbeef");
        int agreedFailures = 0;
        for (int i = 0; i < 3000; i++) {
            String good = (i % 2 == 0 ? spring : other).encrypt(randomText(rnd, rnd.nextInt(60)));
            String c = switch (i % 6) {
                case 0 -> good; // other's key on odd i... and the right key on even
                case 1 -> good.substring(0, rnd.nextInt(good.length())); // truncated
                case 2 -> flip(good, rnd); // a changed hex digit (bad padding, mostly)
                case 3 -> good + "0"; // odd length
                case 4 -> good.replace('a', 'g'); // not hex
                default -> HexFormat.of().formatHex(bytes(rnd, rnd.nextInt(64))); // random bytes
            };
            String theirs;
            try {
                theirs = spring.decrypt(c);
            } catch (RuntimeException e) {
                theirs = null;
            }
            if (theirs == null) {
                assertThrows(IllegalArgumentException.class, () -> ours.decrypt(c), "case " + i + ": " + c);
                agreedFailures++;
            } else {
                assertEquals(theirs, ours.decrypt(c), "case " + i);
            }
        }
        assertEquals(true, agreedFailures > 1500, "most tampered texts fail: " + agreedFailures);
    }

    @Test
    void badSalt_refusedWithoutEchoingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpringCipher("s3cret", "xyz"));
        assertEquals(false, e.getMessage().contains("s3cret"));
    }

    private static String flip(String hex, Random rnd) {
        char[] c = hex.toCharArray();
        int at = rnd.nextInt(c.length);
        c[at] = c[at] == '0' ? '1' : '0';
        return new String(c);
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    // ASCII, Latin, CJK and astral characters (surrogate pairs), never a lone surrogate
    private static String randomText(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> sb.append((char) (0x20 + rnd.nextInt(0x5f)));
                case 1 -> sb.append((char) (0xa0 + rnd.nextInt(0x100)));
                case 2 -> sb.append((char) (0x4e00 + rnd.nextInt(0x1000)));
                default -> sb.appendCodePoint(0x1f600 + rnd.nextInt(0x40));
            }
        }
        return sb.toString();
    }
}
