package dev.vortex.git;

import dev.vortex.config.RepoConfig;
import java.util.ArrayList;
import java.util.List;

/** Start-up checks of what reaching the remotes needs, beyond what the config loader can see. */
public final class RemoteChecks {
    private RemoteChecks() {
    }

    /**
     * Every repository whose SSH key file cannot be read, is not a private key or cannot be
     * decrypted with its passphrase file, as {@code repos[name].ssh.private-key-file: …} (no key material).
     */
    public static List<String> problems(List<RepoConfig> repos) {
        List<String> problems = new ArrayList<>();
        for (RepoConfig repo : repos) {
            FetchAccess.checkKey(repo.access()).ifPresent(p -> problems.add("repos[" + repo.name() + "].ssh.private-key-file: " + p));
        }
        return problems;
    }

    /** Lets the JDK answer Basic proxy challenges on https tunnels; call before any HTTP connection is made. */
    public static void allowProxyBasicAuth() {
        ProxyAuth.allowBasicForTunnels();
    }
}
