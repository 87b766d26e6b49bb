package dev.vortex.cluster;

import dev.vortex.ops.Log;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Who the peers are: the {@code cluster.peers} URLs and the addresses {@code cluster.peers-dns}
 * resolves to (every A/AAAA record, re-resolved every {@link #REFRESH}), without this replica itself
 * (an address of this host with this replica's HTTP port). A failed resolution keeps the last list.
 */
final class PeerDirectory {
    private static final Log LOG = Log.of(PeerDirectory.class);
    static final Duration REFRESH = Duration.ofMinutes(1);

    /** DNS, a seam for tests. */
    @FunctionalInterface
    interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    }

    /** What the directory is built from (replaced by a reload). */
    record Settings(List<URI> peers, String dnsName, int dnsPort, String scheme) {
        Settings {
            peers = List.copyOf(peers);
        }
    }

    private final Resolver resolver;
    private final InstantSource clock;
    private final IntSupplier ownPort;
    private Settings settings;
    private List<URI> current = List.of();
    private Instant resolvedAt;
    private Optional<String> dnsError = Optional.empty();

    PeerDirectory(Settings settings, Resolver resolver, InstantSource clock, IntSupplier ownPort) {
        this.settings = settings;
        this.resolver = resolver;
        this.clock = clock;
        this.ownPort = ownPort;
    }

    synchronized void reconfigure(Settings next) {
        if (!next.equals(settings)) {
            settings = next;
            resolvedAt = null; // resolve again at the next look
        }
    }

    /** The peers now; resolves again when the last resolution is older than {@link #REFRESH}. */
    synchronized List<URI> peers() {
        Instant now = clock.instant();
        if (resolvedAt == null || Duration.between(resolvedAt, now).compareTo(REFRESH) >= 0) {
            resolvedAt = now;
            current = resolve();
        }
        return current;
    }

    /** Why the last DNS look-up failed, while it does. */
    synchronized Optional<String> dnsError() {
        return dnsError;
    }

    private List<URI> resolve() {
        Set<URI> found = new LinkedHashSet<>();
        for (URI peer : settings.peers()) {
            if (!isSelf(peer.getHost(), peer.getPort())) {
                found.add(peer);
            }
        }
        if (!settings.dnsName().isEmpty()) {
            try {
                for (InetAddress a : resolver.resolve(settings.dnsName())) {
                    if (!isOwn(a, settings.dnsPort())) {
                        String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
                        found.add(URI.create(settings.scheme() + "://" + host + ":" + settings.dnsPort()));
                    }
                }
                dnsError = Optional.empty();
            } catch (UnknownHostException e) {
                dnsError = Optional.of("cluster.peers-dns " + settings.dnsName() + " does not resolve");
                LOG.warn("peer DNS name does not resolve; keeping the peers found before", "name", settings.dnsName());
                found.addAll(current.stream().filter(u -> !settings.peers().contains(u)).toList());
            }
        }
        List<URI> peers = new ArrayList<>(found);
        if (!peers.equals(current)) {
            LOG.info("cluster peers", "peers", String.join(",", peers.stream().map(URI::toString).toList()));
        }
        return List.copyOf(peers);
    }

    private boolean isSelf(String host, int port) {
        if (port != ownPort.getAsInt()) {
            return false;
        }
        try {
            for (InetAddress a : resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)) {
                if (isOwn(a, port)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            return false; // unknown now; a delivery failure will say so
        }
        return false;
    }

    private boolean isOwn(InetAddress a, int port) {
        if (port != ownPort.getAsInt()) {
            return false;
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
