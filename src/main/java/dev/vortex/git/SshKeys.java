package dev.vortex.git;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads an SSH private key (OpenSSH or PEM format; ed25519, ecdsa, rsa) and its optional
 * passphrase file. Called at every fetch so a replaced key is used without a restart. Errors name
 * the file and what is wrong with it, never any of its content.
 */
final class SshKeys {
    private SshKeys() {
    }

    /** The key pairs in {@code keyFile}, decrypted with the passphrase in {@code passphraseFile} if given. */
    static List<KeyPair> load(Path keyFile, Optional<Path> passphraseFile) throws IOException {
        String passphrase = null;
        if (passphraseFile.isPresent()) {
            try {
                passphrase = Files.readString(passphraseFile.get(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IOException("ssh passphrase file " + passphraseFile.get() + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new IOException("ssh private key file " + keyFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        List<KeyPair> keys = new ArrayList<>();
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            Iterable<KeyPair> read = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(keyFile.toString()), in,
                    FilePasswordProvider.of(passphrase));
            if (read != null) {
                read.forEach(keys::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException("ssh private key file " + keyFile + " " + why(e, passphrase != null));
        }
        if (keys.isEmpty()) {
            throw new IOException("ssh private key file " + keyFile + " holds no private key (expected an OpenSSH private key, e.g. from ssh-keygen)");
        }
        return keys;
    }

    /** What is wrong, in words that never quote the file. */
    private static String why(Exception e, boolean hadPassphrase) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("mismatched private key check") || m.contains("decrypt") || m.contains("bad padding")) {
            return hadPassphrase ? "cannot be decrypted: the passphrase in ssh.passphrase-file is wrong" : "cannot be decrypted";
        }
        if (m.contains("password") || m.contains("passphrase") || m.contains("encrypted")) {
            return "is encrypted: set ssh.passphrase-file";
        }
        if (e instanceof java.security.NoSuchAlgorithmException) {
            return "holds an unsupported key type (use ed25519, ecdsa or rsa)";
        }
        return "is not a readable private key (expected OpenSSH format; " + e.getClass().getSimpleName() + ")";
    }
}
