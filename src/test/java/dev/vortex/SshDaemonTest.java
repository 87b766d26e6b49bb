package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.Http;
import dev.vortex.testing.OpenSshServer;
import dev.vortex.testing.TestRepo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon serving a repository reached over SSH from a real OpenSSH server: served, status
 * naming the transport, the server stopped mid-run backs off like any failure and recovers, and a
 * key file that is not a key stops the start with exit 78 naming it.
 */
class SshDaemonTest {
    @TempDir
    Path tmp;
    private OpenSshServer sshd;
    private Vortexd daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.shutdown();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private Path config(String url, Path key, Path knownHosts, boolean strict) throws Exception {
        return Files.writeString(tmp.resolve("vortex.yml"), """
                repos:
                  - name: cfg
                    urls: ["%s"]
                    ssh:
                      private-key-file: %s
                      known-hosts-file: %s
                      strict-host-key-checking: %s
                """.formatted(url, key, knownHosts, strict));
    }

    @Test
    void servesOverSsh_backsOffWhenTheServerStops_andRecovers() throws Exception {
        sshd = OpenSshServer.start(tmp.resolve("sshd"));
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("shop.yml", "port: 8080\n").commit("first");
        String url = sshd.serve(origin, "cfg.git");
        Path key = OpenSshServer.newClientKey(tmp.resolve("keys"), "deploy", "ed25519", "");
        sshd.authorize(Path.of(key + ".pub"));
        Path hosts = Files.writeString(tmp.resolve("known_hosts"), sshd.knownHostsLine());
        daemon = Vortexd.launch(List.of("--config=" + config(url, key, hosts, true), "--data-dir=" + tmp.resolve("data"),
                "--http.port=0", "--ws.port=0", "--log.level=warn", "--sync.debounce=0ms"), Map.of());
        Http http = new Http(daemon.httpPort());
        await().atMost(Duration.ofSeconds(90)).until(http::ready);
        assertEquals(c1, http.version("shop", "default"));
        JsonNode status = http.json("/api/v1/repos/cfg");
        assertEquals("ssh", status.at("/mirrors/0/transport").asText());
        assertEquals(0, status.get("warnings").size());

        sshd.stop();
        JsonNode failed = http.refresh("cfg");
        assertFalse(failed.get("error").isNull(), failed.toString());
        status = http.json("/api/v1/repos/cfg");
        assertEquals(1, status.get("attempts").asInt(), status.toString());
        assertFalse(status.get("next_attempt").isNull());
        assertTrue(status.at("/mirrors/0/error").asText().contains("127.0.0.1"), status.toString());
        assertEquals(c1, http.version("shop", "default"), "still serving the last good commit");

        sshd.restart();
        String c2 = origin.write("shop.yml", "port: 9090\n").commit("second");
        origin.push();
        JsonNode ok = http.refresh("cfg");
        assertTrue(ok.get("error").isNull(), ok.toString());
        assertEquals(c2, http.version("shop", "default"));
        assertEquals(0, http.json("/api/v1/repos/cfg").get("attempts").asInt());
    }

    @Test
    void hostKeyChanged_statusSaysSoInWordsWithTheFingerprint() throws Exception {
        sshd = OpenSshServer.start(tmp.resolve("sshd"));
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        origin.write("shop.yml", "port: 8080\n").commit("first");
        String url = sshd.serve(origin, "cfg.git");
        Path key = OpenSshServer.newClientKey(tmp.resolve("keys"), "deploy", "ecdsa", "");
        sshd.authorize(Path.of(key + ".pub"));
        Path hosts = Files.writeString(tmp.resolve("known_hosts"), sshd.knownHostsLine());
        sshd.changeHostKey("ed25519");
        daemon = Vortexd.launch(List.of("--config=" + config(url, key, hosts, true), "--data-dir=" + tmp.resolve("data"),
                "--http.port=0", "--ws.port=0", "--log.level=warn", "--sync.debounce=0ms"), Map.of());
        Http http = new Http(daemon.httpPort());

        JsonNode result = http.refresh("cfg");

        String expected = "host key for 127.0.0.1:" + sshd.port() + " changed: " + sshd.hostKeyFingerprint();
        assertTrue(result.get("error").asText().contains(expected), result.toString());
        assertTrue(http.json("/api/v1/repos/cfg").at("/last_error/message").asText().contains(expected));
        assertFalse(http.ready());
    }

    @Test
    void strictCheckingOff_isShownInStatus() throws Exception {
        Path key = OpenSshServer.newClientKey(tmp.resolve("keys"), "deploy", "ed25519", "");
        Path hosts = Files.writeString(tmp.resolve("known_hosts"), "");
        daemon = Vortexd.launch(List.of("--config=" + config("ssh://git@127.0.0.1:1/x.git", key, hosts, false),
                "--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=error"), Map.of());
        JsonNode status = new Http(daemon.httpPort()).json("/api/v1/repos/cfg");
        assertTrue(status.at("/warnings/0").asText().contains("ssh.strict-host-key-checking: false"), status.toString());
    }

    @Test
    void keyFileThatIsNoKey_exits78NamingTheFile() throws Exception {
        Path key = Files.writeString(tmp.resolve("id_broken"), "this is not a key\n");
        Path hosts = Files.writeString(tmp.resolve("known_hosts"), "");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Vortexd.start(new String[] {"--config=" + config("git@git.example.com:platform/config.git", key, hosts, true),
                    "--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0"});
        } finally {
            System.setErr(err);
        }
        assertEquals(78, code);
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("repos[cfg].ssh.private-key-file: ssh private key file " + key), out);
        assertFalse(out.contains("this is not a key"), out);
    }
}
