package dev.vortex.render;

import dev.vortex.config.VortexConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PublicKey;
import java.security.UnrecoverableKeyException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RSA keys from a key store, as Spring Cloud Config's {@code KeyStoreTextEncryptorLocator}: the
 * alias {@code {key:ALIAS}} names (the configured {@code alias} otherwise) with the password
 * {@code {secret:…}} names (the configured {@code secret} otherwise), each an {@link RsaCipher}.
 * Several aliases in one store are how keys are rotated: old values keep their {@code {key:old}}
 * prefix, new ones are encrypted with the new default. Passwords never appear in a message.
 */
final class KeyStoreKeys implements CipherKeys {
    /** Bounds the located keys: a ciphertext's prefixes are content, not configuration. */
    private static final int MAX_LOCATED = 64;

    private final KeyStore store;
    private final VortexConfig.KeyStore config;
    private final Map<List<String>, RsaCipher> located = new ConcurrentHashMap<>();

    private KeyStoreKeys(KeyStore store, VortexConfig.KeyStore config) {
        this.store = store;
        this.config = config;
    }

    /**
     * Opens the store and checks that the default alias holds an RSA private key that opens with the secret.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    static KeyStoreKeys open(VortexConfig.KeyStore config) {
        Path file = config.location().orElseThrow();
        String where = "encrypt.key-store.location: " + file;
        if (config.alias().isEmpty()) {
            throw new IllegalArgumentException("encrypt.key-store.alias: must be set with encrypt.key-store.location (the alias of the default key)");
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(config.type());
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("encrypt.key-store.type: \"" + config.type() + "\" is not a key store type of this JDK (PKCS12 or JKS)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, config.password().toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(where + " does not open with encrypt.key-store.password");
            }
            throw new IllegalArgumentException(where + " is not a " + config.type() + " key store that opens with encrypt.key-store.password ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(where + " cannot be read as a " + config.type() + " key store (" + e.getClass().getSimpleName() + ")");
        }
        KeyStoreKeys keys = new KeyStoreKeys(store, config);
        try {
            keys.locate(Map.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        return keys;
    }

    @Override
    public TextCipher locate(Map<String, String> prefixes) {
        String alias = prefixes.getOrDefault("key", config.alias());
        String secret = prefixes.getOrDefault("secret", config.secret().isEmpty() ? config.password() : config.secret());
        List<String> id = List.of(alias, secret);
        RsaCipher cipher = located.get(id);
        if (cipher != null) {
            return cipher;
        }
        cipher = load(alias, secret);
        if (located.size() >= MAX_LOCATED) {
            located.clear();
        }
        located.put(id, cipher);
        return cipher;
    }

    private RsaCipher load(String alias, String secret) {
        try {
            if (!store.isKeyEntry(alias)) {
                throw new IllegalArgumentException("no key with alias \"" + printable(alias) + "\"");
            }
            Key key = store.getKey(alias, secret.toCharArray());
            if (!(key instanceof RSAPrivateCrtKey rsa)) {
                throw new IllegalArgumentException("the key with alias \"" + printable(alias) + "\" is not an RSA private key");
            }
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new RsaCipher(pub, rsa, RsaCipher.Algorithm.valueOf(config.algorithm()), config.salt(), config.strong());
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("the key with alias \"" + printable(alias) + "\" does not open with encrypt.key-store.secret");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key with alias \"" + printable(alias) + "\" cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String printable(String s) {
        return dev.vortex.config.Names.printable(s);
    }
}
