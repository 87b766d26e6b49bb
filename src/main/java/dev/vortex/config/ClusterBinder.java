package dev.vortex.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Binds and checks {@code cluster.*} and {@code auth.cluster-secret-file}, adding every problem to the loader's list. */
final class ClusterBinder {
    /** A shorter shared secret is refused: notices trigger fetches on every replica. */
    static final int MIN_SECRET = 16;
    static final Duration MAX_RESYNC_WAIT = Duration.ofMinutes(1);
    private static final Pattern DNS = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9-]{1,63})*\\.?)(?::(\\d{1,5}))?");
    private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private ClusterBinder() {
    }

    static VortexConfig.Cluster bind(List<String> peerValues, Function<String, String> scalar, int httpPort, List<String> problems) {
        List<URI> peers = new ArrayList<>();
        for (String p : peerValues) {
            peer(p).ifPresentOrElse(peers::add, () -> problems.add("cluster.peers: \"" + Names.printable(p)
                    + "\" is not a peer base URL (http://host:port or https://host:port, no user, path or query)"));
        }
        String dns = scalar.apply("cluster.peers-dns").trim();
        String dnsHost = "";
        int dnsPort = 0; // 0: this replica's own http.port, as bound
        if (!dns.isEmpty()) {
            Matcher m = DNS.matcher(dns);
            if (!m.matches()) {
                problems.add("cluster.peers-dns: \"" + Names.printable(dns) + "\" is not a DNS name[:port] (e.g. vortex-peers.config.svc.cluster.local:8888)");
            } else {
                dnsHost = m.group(1);
                if (m.group(4) != null) {
                    dnsPort = Integer.parseInt(m.group(4));
                    if (dnsPort < 1 || dnsPort > 65535) {
                        problems.add("cluster.peers-dns: port " + dnsPort + " is not from 1 to 65535");
                    }
                } else if (httpPort == 0) {
                    problems.add("cluster.peers-dns: give the peers' port (name:port): http.port is 0 here");
                }
            }
        }
        Optional<Path> secretFile = secret(scalar.apply("auth.cluster-secret-file").trim(), problems);
        if ((!peers.isEmpty() || !dnsHost.isEmpty()) && secretFile.isEmpty() && scalar.apply("auth.cluster-secret-file").isBlank()) {
            problems.add("auth.cluster-secret-file: required with cluster.peers or cluster.peers-dns (peer notices are signed with it)");
        }
        String id = scalar.apply("cluster.replica-id").trim();
        if (!id.isEmpty() && !REPLICA_ID.matcher(id).matches()) {
            problems.add("cluster.replica-id: \"" + Names.printable(id) + "\" must be 1 to 64 of A-Z a-z 0-9 . _ : -");
        }
        Duration wait = Duration.ofSeconds(5);
        try {
            wait = Values.duration(scalar.apply("cluster.resync-wait").trim());
            if (wait.isZero() || wait.compareTo(MAX_RESYNC_WAIT) > 0) {
                problems.add("cluster.resync-wait: \"" + scalar.apply("cluster.resync-wait").trim() + "\" must be more than 0 and at most 1m");
                wait = Duration.ofSeconds(5);
            }
        } catch (IllegalArgumentException e) {
            problems.add("cluster.resync-wait: " + e.getMessage());
        }
        return new VortexConfig.Cluster(peers, dnsHost, dnsPort, secretFile, id, wait);
    }

    /** A peer's base URL, normalised to {@code scheme://host:port}. */
    static Optional<URI> peer(String value) {
        try {
            URI u = new URI(value.trim());
            boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
            boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
                    && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
            if (!http || !bare || u.getHost() == null) {
                return Optional.empty();
            }
            int port = u.getPort() > 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return Optional.of(new URI(u.getScheme().toLowerCase(java.util.Locale.ROOT), null, u.getHost(), port, null, null, null));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> secret(String value, List<String> problems) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(value);
        try {
            // the secret itself is never echoed: only its file and its length
            String s = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (s.length() < MIN_SECRET) {
                problems.add("auth.cluster-secret-file: \"" + Names.printable(value) + "\" holds " + s.length()
                        + " characters; at least " + MIN_SECRET + " are needed (e.g. openssl rand -hex 32)");
                return Optional.empty();
            }
            return Optional.of(p);
        } catch (IOException e) {
            problems.add("auth.cluster-secret-file: \"" + Names.printable(value) + "\" is not a readable file");
            return Optional.empty();
        }
    }
}
