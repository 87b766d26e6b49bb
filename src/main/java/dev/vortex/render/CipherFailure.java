package dev.vortex.render;

/**
 * A {@code {cipher}} value that could not be decrypted (served as {@code invalid.<key>: <n/a>}):
 * where it is, never what it is.
 *
 * @param file   the file's path in the commit
 * @param key    the property key (without {@code invalid.})
 * @param commit the commit it was read from
 * @param reason why, in words that hold no key material: no key configured, an unknown alias, or not a ciphertext of the key
 */
public record CipherFailure(String file, String key, String commit, String reason) {
}
