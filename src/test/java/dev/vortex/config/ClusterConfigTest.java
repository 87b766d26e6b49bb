package dev.vortex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.Vortexd;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster.*} and {@code auth.cluster-secret-file}: every problem named at once (exit 78), the secret never echoed. */
class ClusterConfigTest {
    @TempDir
    Path tmp;

    @Test
    void peersAndDns_withSecret_bind() throws Exception {
        Path secret = Files.writeString(tmp.resolve("s"), "0123456789abcdef0123\n");
        VortexConfig c = ConfigLoader.load(List.of("--cluster.peers=http://vortex-b:8888/, https://10.0.0.3", "--cluster.peers-dns=vortex-peers.svc",
                "--auth.cluster-secret-file=" + secret, "--cluster.replica-id=vortex-a", "--cluster.resync-wait=2s"), Map.of());
        assertEquals(List.of(URI.create("http://vortex-b:8888"), URI.create("https://10.0.0.3:443")), c.cluster().peers());
        assertEquals("vortex-peers.svc", c.cluster().peersDns());
        assertEquals(0, c.cluster().peersDnsPort(), "0: the replica's own http.port, as bound");
        assertEquals("vortex-a", c.cluster().replicaId());
        assertEquals(Duration.ofSeconds(2), c.cluster().resyncWait());
        assertTrue(c.cluster().enabled());
        VortexConfig none = ConfigLoader.load(List.of(), Map.of());
        assertFalse(none.cluster().enabled());
        assertEquals("", none.cluster().replicaId(), "the host name and bound port, at start");
        assertEquals(Duration.ofSeconds(5), none.cluster().resyncWait());
    }

    @Test
    void everyProblemNamed_andTheSecretNeverShown() throws Exception {
        Path shortSecret = Files.writeString(tmp.resolve("short"), "tiny-secret\n");
        List<String> args = List.of("--cluster.peers=http://user:pw@b:8888,ftp://c,http://d:8888/path", "--cluster.peers-dns=bad name!",
                "--auth.cluster-secret-file=" + shortSecret, "--cluster.replica-id=a b", "--cluster.resync-wait=5m");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(args, Map.of()));
        List<String> p = e.problems();
        assertEquals(7, p.size(), p.toString());
        assertTrue(p.contains("cluster.peers: \"http://user:pw@b:8888\" is not a peer base URL (http://host:port or https://host:port, no user, path or query)")
                || p.stream().anyMatch(x -> x.startsWith("cluster.peers: \"http://user:pw@b:8888\"")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cluster.peers: \"ftp://c\"")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cluster.peers: \"http://d:8888/path\"")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cluster.peers-dns: \"bad name!\" is not a DNS name")), p.toString());
        assertTrue(p.contains("auth.cluster-secret-file: \"" + shortSecret + "\" holds 11 characters; at least 16 are needed (e.g. openssl rand -hex 32)"),
                p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith("cluster.replica-id: \"a b\"")), p.toString());
        assertTrue(p.contains("cluster.resync-wait: \"5m\" must be more than 0 and at most 1m"), p.toString());
        assertFalse(p.toString().contains("tiny-secret"), p.toString());

        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("--cluster.peers=http://b:8888",
                "--cluster.peers-dns=peers.svc", "--http.port=0"), Map.of()));
        assertEquals(List.of("cluster.peers-dns: give the peers' port (name:port): http.port is 0 here",
                "auth.cluster-secret-file: required with cluster.peers or cluster.peers-dns (peer notices are signed with it)"), missing.problems());
        assertEquals(78, Vortexd.start(new String[] {"--cluster.peers=http://b:8888", "--data-dir=" + tmp.resolve("data")}));
    }
}
