package dev.vortex.git;

import dev.vortex.ops.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * Checks an SSH server's host key against one OpenSSH known_hosts file (plain or hashed host
 * names, {@code [host]:port} for other ports, {@code @revoked} honoured), read when a connection
 * asks. Strict: an unknown host or a different key is refused, and the reason — naming the host
 * and the key's {@code SHA256:} fingerprint — is kept for the run's error. Never writes the file.
 */
final class KnownHosts implements ServerKeyDatabase {
    private static final Log LOG = Log.of(KnownHosts.class);

    private final Optional<Path> file;
    private final boolean strict;
    private final AtomicReference<String> refusal = new AtomicReference<>();

    KnownHosts(Optional<Path> file, boolean strict) {
        this.file = file;
        this.strict = strict;
    }

    /** Why the last host key was refused, if one was. */
    Optional<String> refusal() {
        return Optional.ofNullable(refusal.get());
    }

    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        try {
            return keysFor(connectAddress, false);
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey, Configuration config,
                          CredentialsProvider provider) {
        String host = hostOf(connectAddress);
        String print = fingerprint(serverKey);
        try {
            if (keysFor(connectAddress, true).stream().anyMatch(k -> KeyUtils.compareKeys(k, serverKey))) {
                return refuse("host key for " + host + " is revoked in " + file.orElseThrow() + ": " + print);
            }
            List<PublicKey> known = keysFor(connectAddress, false);
            if (known.stream().anyMatch(k -> KeyUtils.compareKeys(k, serverKey))) {
                return true;
            }
            String why = known.isEmpty()
                    ? "host " + host + " is unknown: its " + KeyUtils.getKeyType(serverKey) + " key " + print + " is not in "
                    + file.map(Path::toString).orElse("any known_hosts file (set ssh.known-hosts-file)")
                    : "host key for " + host + " changed: " + print + " is not the key in " + file.orElseThrow()
                    + " (possible man-in-the-middle; if the change is expected, replace the host's line)";
            if (!strict) {
                LOG.warn("ssh host key not verified (ssh.strict-host-key-checking: false)", "host", host, "key", print);
                return true;
            }
            return refuse(why);
        } catch (IOException e) {
            return refuse("ssh known hosts file " + file.orElseThrow() + " cannot be read (" + e.getMessage() + ")");
        }
    }

    private boolean refuse(String why) {
        refusal.set(why);
        return false;
    }

    /** The keys listed for {@code connectAddress} ({@code host} or {@code [host]:port}); revoked ones when asked. */
    private List<PublicKey> keysFor(String connectAddress, boolean revoked) throws IOException {
        if (file.isEmpty()) {
            return List.of();
        }
        String host = connectAddress;
        int port = 22;
        if (connectAddress.startsWith("[") && connectAddress.contains("]:")) {
            host = connectAddress.substring(1, connectAddress.indexOf("]:"));
            port = Integer.parseInt(connectAddress.substring(connectAddress.indexOf("]:") + 2));
        }
        List<PublicKey> keys = new ArrayList<>();
        for (KnownHostEntry entry : KnownHostEntry.readKnownHostEntries(file.get())) {
            boolean isRevoked = "revoked".equals(entry.getMarker());
            if (isRevoked != revoked || (entry.getMarker() != null && !isRevoked) || !entry.isHostMatch(host, port)) {
                continue;
            }
            try {
                PublicKey k = entry.getKeyEntry().resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
                if (k != null) {
                    keys.add(k);
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // a line with a key type we cannot read matches no key
            }
        }
        return keys;
    }

    private static String hostOf(String connectAddress) {
        return connectAddress.startsWith("[") && connectAddress.contains("]:") ? connectAddress.substring(1, connectAddress.indexOf("]:"))
                + ":" + connectAddress.substring(connectAddress.indexOf("]:") + 2) : connectAddress;
    }
}
