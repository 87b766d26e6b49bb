package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.RemoteAccess;
import dev.vortex.config.RepoConfig;
import dev.vortex.testing.FakeClock;
import dev.vortex.testing.OpenSshServer;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fetches over SSH from a real OpenSSH server (sshd + git-shell) started for this class: every key
 * type, passphrase keys, wrong keys, unknown and changed host keys, hashed known_hosts, key
 * rotation between fetches, and a key file that went missing.
 */
class SshFetchTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    private static OpenSshServer sshd;
    private static TestRepo origin;
    private static String url;
    private static String head;
    private Mirrors mirrors;

    @BeforeAll
    static void startServer() throws IOException {
        sshd = OpenSshServer.start(shared.resolve("sshd"));
        origin = TestRepo.init(shared.resolve("origin"));
        origin.write("application.yml", "greeting: hello\n").commit("first");
        head = origin.write("shop.yml", "port: 8080\n").commit("second");
        url = sshd.serve(origin, "cfg.git");
    }

    @AfterAll
    static void stopServer() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @AfterEach
    void close() {
        if (mirrors != null) {
            mirrors.close();
        }
    }

    private Mirror mirror(Path key, Optional<Path> passphrase, Path knownHosts, boolean strict) throws IOException {
        return mirror(url, key, passphrase, knownHosts, strict);
    }

    private Mirror mirror(String url, Path key, Optional<Path> passphrase, Path knownHosts, boolean strict) throws IOException {
        var access = new RemoteAccess(new RemoteAccess.Ssh(Optional.ofNullable(key), passphrase, Optional.ofNullable(knownHosts), strict),
                RemoteAccess.Tls.NONE, Optional.empty());
        RepoConfig repo = new RepoConfig("cfg", List.of(url), List.of("*"), "main", List.of(), List.of(), Optional.empty(), access);
        mirrors = Mirrors.open(tmp.resolve("mirrors"), List.of(repo), Duration.ofSeconds(20), new FakeClock());
        return mirrors.mirror("cfg");
    }

    private Path knownHosts() throws IOException {
        return Files.writeString(tmp.resolve("known_hosts"), sshd.knownHostsLine());
    }

    private Path authorizedKey(String name, String type, String passphrase) throws IOException {
        Path key = OpenSshServer.newClientKey(tmp.resolve("keys"), name, type, passphrase);
        sshd.authorize(Path.of(key + ".pub"));
        return key;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void fetchesWithEachKeyType(String type) throws IOException {
        Mirror m = mirror(authorizedKey("id_" + type, type, ""), Optional.empty(), knownHosts(), true);

        assertEquals(2, m.fetch(url).newCommits());

        assertEquals(ObjectId.fromString(head), m.refs(url).branches().get("main"));
    }

    @Test
    void passphraseKey_isDecryptedWithThePassphraseFile() throws IOException {
        Path key = authorizedKey("id_pass", "ed25519", "correct horse");
        Path pass = Files.writeString(tmp.resolve("passphrase"), "correct horse\n");
        Mirror m = mirror(key, Optional.of(pass), knownHosts(), true);

        assertEquals(2, m.fetch(url).newCommits());
    }

    @Test
    void passphraseKey_wrongPassphrase_failsNamingTheKeyFile() throws IOException {
        Path key = authorizedKey("id_pass2", "ecdsa", "correct horse");
        Path pass = Files.writeString(tmp.resolve("passphrase"), "battery staple\n");
        Mirror m = mirror(key, Optional.of(pass), knownHosts(), true);

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().contains(key.toString()) && e.getMessage().contains("passphrase"), e.getMessage());
        assertNoKeyMaterial(e.getMessage(), key);
        assertTrue(m.refs(url).isEmpty());
    }

    @Test
    void keyTheServerDoesNotKnow_isAnAuthenticationError() throws IOException {
        Path stranger = OpenSshServer.newClientKey(tmp.resolve("keys"), "id_stranger", "ed25519", "");
        Mirror m = mirror(stranger, Optional.empty(), knownHosts(), true);

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().contains("authentication") && e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertNoKeyMaterial(e.getMessage(), stranger);
        assertTrue(m.refs(url).isEmpty());
    }

    @Test
    void unknownHost_isRefusedWithItsFingerprint_andNothingIsFetched() throws IOException {
        Path empty = Files.writeString(tmp.resolve("known_hosts"), "[127.0.0.1]:1 " + sshd.knownHostsLine().split(" ", 2)[1]);
        Mirror m = mirror(authorizedKey("id_u", "ed25519", ""), Optional.empty(), empty, true);

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().startsWith("host 127.0.0.1:" + sshd.port() + " is unknown"), e.getMessage());
        assertTrue(e.getMessage().contains(sshd.hostKeyFingerprint()), e.getMessage());
        assertTrue(m.refs(url).isEmpty());
    }

    @Test
    void hashedKnownHostsEntries_areMatched() throws IOException {
        Path hosts = knownHosts();
        new ProcessBuilder("ssh-keygen", "-q", "-H", "-f", hosts.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().onExit().join();
        assertFalse(Files.readString(hosts).contains("127.0.0.1"), "hashed");
        Mirror m = mirror(authorizedKey("id_h", "ed25519", ""), Optional.empty(), hosts, true);

        assertEquals(2, m.fetch(url).newCommits());
    }

    @Test
    void strictCheckingOff_acceptsAnUnknownHost() throws IOException {
        Mirror m = mirror(authorizedKey("id_lax", "ed25519", ""), Optional.empty(), null, false);

        assertEquals(2, m.fetch(url).newCommits());
    }

    @Test
    void keyFileReplacedBetweenFetches_theNewKeyIsUsed() throws IOException {
        TestRepo own = TestRepo.init(tmp.resolve("own"));
        own.write("a.yml", "a: 1\n").commit("one");
        String ownUrl = sshd.serve(own, "rotation-" + System.nanoTime() + ".git");
        Path key = authorizedKey("id_rot", "ed25519", "");
        Mirror m = mirror(ownUrl, key, Optional.empty(), knownHosts(), true);
        assertEquals(1, m.fetch(ownUrl).newCommits());

        Path next = authorizedKey("id_rot_next", "ecdsa", "");
        Files.copy(next, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        own.write("a.yml", "a: 2\n").commit("two");
        own.push();

        assertEquals(1, m.fetch(ownUrl).newCommits());
        String fingerprint = OpenSshServer.fingerprintOf(Path.of(next + ".pub"));
        assertTrue(sshd.log().contains(fingerprint), "sshd saw the new key " + fingerprint);
    }

    @Test
    void hostKeyChangedBetweenFetches_isRefusedNamingTheNewFingerprint() throws IOException {
        try (OpenSshServer other = OpenSshServer.start(tmp.resolve("other-sshd"))) {
            TestRepo own = TestRepo.init(tmp.resolve("own"));
            own.write("a.yml", "a: 1\n").commit("one");
            String otherUrl = other.serve(own, "cfg.git");
            Path key = OpenSshServer.newClientKey(tmp.resolve("keys"), "id_mitm", "ed25519", "");
            other.authorize(Path.of(key + ".pub"));
            Path hosts = Files.writeString(tmp.resolve("known_hosts"), other.knownHostsLine());
            Mirror m = mirror(otherUrl, key, Optional.empty(), hosts, true);
            assertEquals(1, m.fetch(otherUrl).newCommits());
            String before = m.refs(otherUrl).branches().get("main").name();

            other.changeHostKey("ecdsa");
            own.write("a.yml", "a: 2\n").commit("two");
            own.push();
            IOException e = assertThrows(IOException.class, () -> m.fetch(otherUrl));

            assertTrue(e.getMessage().startsWith("host key for 127.0.0.1:" + other.port() + " changed: " + other.hostKeyFingerprint()),
                    e.getMessage());
            assertEquals(before, m.refs(otherUrl).branches().get("main").name(), "nothing fetched");
        }
    }

    @Test
    void keyFileGoneAtRuntime_failsTheFetchNamingTheFile() throws IOException {
        Path key = authorizedKey("id_gone", "ed25519", "");
        Mirror m = mirror(key, Optional.empty(), knownHosts(), true);
        Files.delete(key);

        IOException e = assertThrows(IOException.class, () -> m.fetch(url));

        assertTrue(e.getMessage().contains("ssh private key file " + key + " cannot be read"), e.getMessage());
    }

    @Test
    void malformedKeyFile_isReportedAtStartNamingTheFile() throws IOException {
        Path bad = Files.writeString(tmp.resolve("id_bad"), "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n");
        var access = new RemoteAccess(new RemoteAccess.Ssh(Optional.of(bad), Optional.empty(), Optional.empty(), true),
                RemoteAccess.Tls.NONE, Optional.empty());

        Optional<String> problem = FetchAccess.checkKey(access);

        assertTrue(problem.isPresent() && problem.get().contains(bad.toString()), problem.toString());
        assertFalse(problem.get().contains("bm90IGEga2V5"));
    }

    /** Neither the private key's body nor the public key's base64 appears in a message. */
    private static void assertNoKeyMaterial(String message, Path key) throws IOException {
        for (String line : Files.readAllLines(key)) {
            if (!line.startsWith("-----") && line.length() > 16) {
                assertFalse(message.contains(line), "private key material in: " + message);
            }
        }
        assertFalse(message.contains(Files.readString(Path.of(key + ".pub")).split(" ")[1]), "public key in: " + message);
    }
}
