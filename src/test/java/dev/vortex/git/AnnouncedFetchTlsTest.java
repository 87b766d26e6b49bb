package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RemoteAccess;
import dev.vortex.testing.ConnectProxy;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The announced-commit fetch from a real TLS host whose certificate a CA made in the test signed:
 * with the repository's {@code ca-file} the one POST is used; without it the attempt falls back and
 * the usual fetch says the certificate is not trusted; through a CONNECT proxy that demands
 * credentials, the POST goes where the usual fetch goes (the host's port is reachable only through it).
 */
class AnnouncedFetchTlsTest {
    private static final String MAIN = "refs/heads/main";
    private static final String PROXY_SECRET = "pr0xy-announced-52c8e0";

    @TempDir
    Path tmp;
    private TestCa ca;
    private AnnouncedHost host;

    @BeforeEach
    void serve() throws IOException {
        ca = TestCa.create(tmp.resolve("pki"), "corp");
        host = new AnnouncedHost(tmp, GitHttpServer.startTls(tmp.resolve("served"), ca.serverContext()), "");
    }

    @AfterEach
    void close() {
        host.close();
        assertFalse(host.logs.text().contains(PROXY_SECRET), host.logs.text());
    }

    private Mirror mirror(RemoteAccess.Tls tls, Optional<RemoteAccess.Proxy> proxy) throws IOException {
        return host.mirror(Optional.empty(), new RemoteAccess(RemoteAccess.Ssh.NONE, tls, proxy), Duration.ofSeconds(20));
    }

    private RemoteAccess.Tls caFile() {
        return new RemoteAccess.Tls(Optional.of(ca.caPem()), false);
    }




    @Test
    void withTheCaFile_theAnnouncedPostIsUsed_andMovesTheRef() throws IOException {
        host.assertAPushIsFetchedByThePost(mirror(caFile(), Optional.empty()));
        assertEquals(List.of(), host.logs.matching("fetching as usual"));
    }

    @Test
    void untrustedCertificate_fallsBack_andTheUsualFetchSaysSo_movingNothing() throws IOException {
        ObjectId c1 = ObjectId.fromString(host.origin.head());
        mirror(caFile(), Optional.empty()).fetch(host.url);
        Mirror m = mirror(RemoteAccess.Tls.NONE, Optional.empty()); // the same mirror, its ca-file since taken out
        String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
        host.origin.push();
        int from = host.server.requests();

        IOException e = assertThrows(IOException.class, () -> m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c2)));

        assertTrue(e.getMessage().startsWith("TLS certificate of 127.0.0.1:") && e.getMessage().contains("is not trusted"), e.getMessage());
        assertEquals(c1, m.refs(host.url).branches().get("main"));
        assertFalse(m.repository().getObjectDatabase().has(ObjectId.fromString(c2)));
        assertEquals(List.of(), host.since(from), "no request got past the handshake");
        assertEquals(1, host.logs.matching("fetching as usual", "upload-pack POST", "SSLHandshakeException").size(), host.logs.text());
    }

    @Test
    void throughAProxyDemandingCredentials_thePostGoesThroughIt() throws IOException {
        try (ConnectProxy proxy = ConnectProxy.start()) {
            proxy.requireAuth("alice", PROXY_SECRET);
            int hostPort = Integer.parseInt(host.url.split("/")[2].split(":")[1]);
            int closedPort = closedPort();
            proxy.forward(closedPort, hostPort);
            host.url = host.url.replace(":" + hostPort + "/", ":" + closedPort + "/"); // refused unless through the proxy
            Path credentials = Files.writeString(tmp.resolve("proxy-credentials"), "alice:" + PROXY_SECRET + "\n");
            Mirror m = mirror(caFile(), Optional.of(new RemoteAccess.Proxy("127.0.0.1", proxy.port(), Optional.empty(),
                    Optional.of(credentials), List.of(), "proxy.url")));
            m.fetch(host.url);
            String c2 = host.origin.write("application.yml", "greeting: two\n").commit("two");
            host.origin.push();
            int from = host.server.requests();
            int tunnels = proxy.tunnels().size();

            assertEquals(1, m.fetchRefs(host.url, Set.of(MAIN), Map.of(MAIN, c2)).newCommits());

            assertEquals(ObjectId.fromString(c2), m.refs(host.url).branches().get("main"));
            assertEquals(1, AnnouncedHost.announcedPosts(host.since(from)), host.since(from).toString());
            assertEquals(0, AnnouncedHost.jgitPackPosts(host.since(from)), host.since(from).toString());
            assertEquals(List.of(), host.logs.matching("fetching as usual"));
            assertTrue(proxy.tunnels().size() > tunnels, proxy.tunnels().toString());
            assertTrue(proxy.refused() >= 1, "challenged, then answered with the credentials file's");
        }
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
