package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RemoteAccess;
import dev.vortex.config.RepoConfig;
import dev.vortex.testing.ConnectProxy;
import dev.vortex.testing.FakeClock;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.TestCa;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches from a real TLS git server (JDK HttpsServer in front of git http-backend) whose
 * certificate a CA made in the test signed: refused without {@code ca-file}, served with it, and
 * through a real HTTP CONNECT proxy with and without proxy authentication.
 */
class HttpsRemoteTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    private static TestCa ca;
    private static GitHttpServer server;
    private static String url;
    private static String head;
    private Mirrors mirrors;

    @BeforeAll
    static void startServer() throws IOException {
        ca = TestCa.create(shared.resolve("pki"), "corp");
        server = GitHttpServer.startTls(shared.resolve("served"), ca.serverContext());
        TestRepo origin = TestRepo.init(shared.resolve("origin"));
        head = origin.write("application.yml", "greeting: hello\n").commit("first");
        url = server.serve(origin, "cfg.git");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void close() {
        if (mirrors != null) {
            mirrors.close();
        }
    }

    private Mirror mirror(RemoteAccess.Tls tls, Optional<RemoteAccess.Proxy> proxy) throws IOException {
        RepoConfig repo = new RepoConfig("cfg", List.of(url), List.of("*"), "main", List.of(), List.of(), Optional.empty(),
                new RemoteAccess(RemoteAccess.Ssh.NONE, tls, proxy));
        mirrors = Mirrors.open(tmp.resolve("mirrors"), List.of(repo), Duration.ofSeconds(20), new FakeClock());
        return mirrors.mirror("cfg");
    }

    private static RemoteAccess.Tls caFile(Path pem) {
        return new RemoteAccess.Tls(Optional.of(pem), false);
    }

    private static RemoteAccess.Proxy proxy(ConnectProxy p, Optional<Path> credentials, List<String> noProxy) {
        return new RemoteAccess.Proxy("127.0.0.1", p.port(), Optional.empty(), credentials, noProxy, "proxy.url");
    }

    @Test
    void withoutTheCa_theCertificateIsRefusedWithAClearError() throws IOException {
        Mirror m = mirror(RemoteAccess.Tls.NONE, Optional.empty());

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().startsWith("TLS certificate of 127.0.0.1:" + url.split(":")[2].split("/")[0] + " is not trusted"),
                e.getMessage());
        assertTrue(e.getMessage().contains("set ca-file"), e.getMessage());
        assertTrue(m.refs(url).isEmpty());
    }

    @Test
    void withTheCaFile_itIsServed() throws IOException {
        Mirror m = mirror(caFile(ca.caPem()), Optional.empty());

        assertEquals(1, m.fetch(url).newCommits());
        assertEquals(head, m.refs(url).branches().get("main").name());
    }

    @Test
    void anotherCasFile_isStillRefused() throws IOException {
        TestCa other = TestCa.create(tmp.resolve("pki"), "other");
        Mirror m = mirror(caFile(other.caPem()), Optional.empty());

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().contains("is not trusted"), e.getMessage());
    }

    @Test
    void skipSslValidation_acceptsTheUnknownCertificate() throws IOException {
        Mirror m = mirror(new RemoteAccess.Tls(Optional.empty(), true), Optional.empty());

        assertEquals(1, m.fetch(url).newCommits());
    }

    @Test
    void caFileThatIsNoCertificate_failsNamingTheFile() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.pem"), "not a certificate\n");
        Mirror m = mirror(caFile(junk), Optional.empty());

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().startsWith("ca-file " + junk), e.getMessage());
    }

    @Test
    void throughAConnectProxy_theFetchGoesThroughIt() throws IOException {
        try (ConnectProxy p = ConnectProxy.start()) {
            Mirror m = mirror(caFile(ca.caPem()), Optional.of(proxy(p, Optional.empty(), List.of())));

            assertEquals(1, m.fetch(url).newCommits());

            assertTrue(p.tunnels().contains(url.split("/")[2]), p.tunnels().toString());
        }
    }

    @Test
    void throughAProxyDemandingCredentials_theCredentialsFileIsUsed() throws IOException {
        try (ConnectProxy p = ConnectProxy.start()) {
            p.requireAuth("alice", "pr0xy-s3cret");
            Path creds = Files.writeString(tmp.resolve("proxy-creds"), "alice:pr0xy-s3cret\n");
            Mirror m = mirror(caFile(ca.caPem()), Optional.of(proxy(p, Optional.of(creds), List.of())));

            assertEquals(1, m.fetch(url).newCommits());

            assertEquals(1, p.refused(), "challenged once, then answered");
            assertFalse(p.tunnels().isEmpty());
        }
    }

    @Test
    void wrongProxyCredentials_failTheFetch_withoutShowingThem() throws IOException {
        try (ConnectProxy p = ConnectProxy.start()) {
            p.requireAuth("alice", "right");
            Path creds = Files.writeString(tmp.resolve("proxy-creds"), "alice:wr0ng-pa55\n");
            Mirror m = mirror(caFile(ca.caPem()), Optional.of(proxy(p, Optional.of(creds), List.of())));

            IOException e = assertThrows(IOException.class, () -> m.fetch(url));

            assertTrue(p.tunnels().isEmpty());
            assertFalse(e.getMessage().contains("wr0ng-pa55"), e.getMessage());
        }
    }

    @Test
    void hostInNoProxy_isReachedDirectly() throws IOException {
        try (ConnectProxy p = ConnectProxy.start()) {
            Mirror m = mirror(caFile(ca.caPem()), Optional.of(proxy(p, Optional.empty(), List.of("127.0.0.1"))));

            assertEquals(1, m.fetch(url).newCommits());

            assertTrue(p.tunnels().isEmpty());
        }
    }
}
