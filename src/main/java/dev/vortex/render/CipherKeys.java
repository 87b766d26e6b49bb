package dev.vortex.render;

import dev.vortex.config.VortexConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The keys {@code {cipher}} values are encrypted with, as Spring's {@code TextEncryptorLocator}:
 * the value's prefixes ({@link CipherPrefix#keys}) choose one. The symmetric {@code encrypt.key}
 * ignores them; a key store picks the alias {@code {key:ALIAS}} names (see {@link KeyStoreKeys}).
 */
@FunctionalInterface
public interface CipherKeys {
    /** @throws IllegalArgumentException when the prefixes name no usable key (the message names the alias only) */
    TextCipher locate(Map<String, String> prefixes);

    /**
     * The keys {@code encrypt.*} configures, empty when none.
     *
     * @throws IllegalArgumentException naming the key store file and what is wrong with it (never a password)
     */
    static Optional<CipherKeys> of(VortexConfig.Encrypt config) {
        if (config.keyStore().location().isPresent()) {
            return Optional.of(KeyStoreKeys.open(config.keyStore()));
        }
        return config.key().map(k -> {
            SpringCipher cipher = new SpringCipher(k, config.salt());
            return prefixes -> cipher;
        });
    }
}
