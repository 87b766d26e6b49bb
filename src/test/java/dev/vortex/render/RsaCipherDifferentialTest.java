package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.VortexConfig;
import dev.vortex.testing.KeyStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.FileSystemResource;
import org.springframework.security.crypto.encrypt.KeyStoreKeyFactory;
import org.springframework.security.crypto.encrypt.RsaAlgorithm;
import org.springframework.security.crypto.encrypt.RsaSecretEncryptor;

/**
 * {@link RsaCipher} and {@link KeyStoreKeys} against the real thing: spring-security-crypto's
 * {@code KeyStoreKeyFactory} and {@code RsaSecretEncryptor} (what Spring Cloud Config's
 * {@code KeyStoreTextEncryptorLocator} is made of), seeded cases over aliases, both algorithms,
 * CBC and GCM, hex and text salts, PKCS#12 and JKS: their ciphertexts decrypt here, ours there.
 */
class RsaCipherDifferentialTest {
    private static final List<String> ALIASES = List.of("current", "previous", "old");

    @TempDir
    Path tmp;

    @Test
    void seededCases_decryptBothWays() throws Exception {
        for (String type : List.of("PKCS12", "JKS")) {
            Path store = tmp.resolve("keys-" + type);
            KeyStores.rsa(store, type, "st0re-pass", "k3y-pass", ALIASES.toArray(String[]::new));
            KeyStoreKeyFactory spring = new KeyStoreKeyFactory(new FileSystemResource(store), "st0re-pass".toCharArray(), type);
            Map<List<Object>, KeyStoreKeys> opened = new java.util.HashMap<>();
            Random random = new Random(42);
            for (int i = 0; i < 12; i++) {
                String alias = ALIASES.get(random.nextInt(ALIASES.size()));
                boolean oaep = random.nextBoolean();
                boolean strong = random.nextBoolean();
                String salt = random.nextBoolean() ? "deadbeef" : random.nextBoolean() ? "a1b2c3d4e5f6" : "not hex, a phrase";
                String text = text(random);
                String where = type + " case " + i + " alias=" + alias + " oaep=" + oaep + " strong=" + strong + " salt=" + salt;

                KeyStoreKeys ours = opened.computeIfAbsent(List.of(oaep, salt, strong),
                        k -> KeyStoreKeys.open(config(store, type, "current", oaep, salt, strong)));
                TextCipher cipher = ours.locate(Map.of("key", alias));
                KeyPair pair = spring.getKeyPair(alias, "k3y-pass".toCharArray());
                RsaSecretEncryptor theirs = new RsaSecretEncryptor(pair, oaep ? RsaAlgorithm.OAEP : RsaAlgorithm.DEFAULT, salt, strong);

                assertEquals(text, cipher.decrypt(theirs.encrypt(text)), where);
                assertEquals(text, theirs.decrypt(cipher.encrypt(text)), where);
                // the value's prefix picks the alias as Spring's locator does; none: the default alias
                String prefixed = "{key:" + alias + "}" + theirs.encrypt(text);
                assertEquals(text, ours.locate(CipherPrefix.keys(prefixed)).decrypt(CipherPrefix.strip(prefixed)), where);
                if (!alias.equals("current")) {
                    String ct = theirs.encrypt(text);
                    assertThrows(IllegalArgumentException.class, () -> ours.locate(Map.of()).decrypt(ct), where + ": another alias's key");
                }
            }
        }
    }

    @Test
    void tamperedCiphertexts_fail_asIllegalArgument() throws Exception {
        Path store = tmp.resolve("keys.p12");
        KeyStores.rsa(store, "PKCS12", "pw", "pw", "a");
        TextCipher ours = KeyStoreKeys.open(config(store, "PKCS12", "a", false, "deadbeef", false)).locate(Map.of());
        String good = ours.encrypt("secret value");
        byte[] raw = Base64.getDecoder().decode(good);
        byte[] flipped = raw.clone();
        flipped[flipped.length - 1] ^= 1; // the AES padding
        byte[] rsaFlipped = raw.clone();
        rsaFlipped[10] ^= 1; // the RSA-encrypted secret
        for (String bad : List.of(Base64.getEncoder().encodeToString(flipped), Base64.getEncoder().encodeToString(rsaFlipped),
                good.substring(0, good.length() / 2), good.substring(0, 3), "", "!!not base64!!", "AAAA", "//8=")) {
            assertThrows(IllegalArgumentException.class, () -> ours.decrypt(bad), bad);
        }
    }

    @Test
    void badStores_areRefused_namingTheFile_neverThePassword() throws Exception {
        Path store = tmp.resolve("keys.p12");
        KeyStores.rsa(store, "PKCS12", "right-pass", "right-pass", "a");
        Path garbage = Files.writeString(tmp.resolve("garbage.p12"), "not a key store\n");
        Path truncated = tmp.resolve("truncated.p12");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(store), 200));
        Map<VortexConfig.KeyStore, String> cases = Map.of(
                config(store, "PKCS12", "a", false, "deadbeef", false, "wrong-pass", ""), "does not open with encrypt.key-store.password",
                config(store, "PKCS12", "missing", false, "deadbeef", false, "right-pass", ""), "no key with alias \"missing\"",
                config(store, "PKCS12", "a", false, "deadbeef", false, "right-pass", "wrong-secret"), "does not open with encrypt.key-store.secret",
                config(garbage, "PKCS12", "a", false, "deadbeef", false, "right-pass", ""), "garbage.p12",
                config(truncated, "PKCS12", "a", false, "deadbeef", false, "right-pass", ""), "truncated.p12",
                config(store, "NOPE", "a", false, "deadbeef", false, "right-pass", ""), "encrypt.key-store.type",
                config(store, "PKCS12", "", false, "deadbeef", false, "right-pass", ""), "encrypt.key-store.alias");
        for (var c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyStoreKeys.open(c.getKey()), c.getValue());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            assertTrue(!e.getMessage().contains("right-pass") && !e.getMessage().contains("wrong-pass") && !e.getMessage().contains("wrong-secret"),
                    e.getMessage());
        }
    }

    private static VortexConfig.KeyStore config(Path store, String type, String alias, boolean oaep, String salt, boolean strong) {
        return config(store, type, alias, oaep, salt, strong, type.equals("PKCS12") && store.getFileName().toString().equals("keys.p12") ? "pw" : "st0re-pass",
                type.equals("PKCS12") && store.getFileName().toString().equals("keys.p12") ? "" : "k3y-pass");
    }

    private static VortexConfig.KeyStore config(Path store, String type, String alias, boolean oaep, String salt, boolean strong,
                                                String password, String secret) {
        return new VortexConfig.KeyStore(Optional.of(store), password, alias, secret, type, oaep ? "OAEP" : "DEFAULT", salt, strong);
    }

    private static String text(Random random) {
        String[] parts = {"db-pässw0rd", "ключ", "鍵", "🔑", " ", "=", "{cipher}", "x".repeat(300), "", "line\nbreak"};
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(4) + 1; n > 0; n--) {
            sb.append(parts[random.nextInt(parts.length)]);
        }
        return sb.toString();
    }
}
