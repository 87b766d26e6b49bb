package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.ConnectProxy;
import dev.vortex.testing.GitHttpServer;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestCa;
import dev.vortex.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon behind an outbound proxy from {@code https_proxy}, reaching a TLS git server signed by a private CA. */
class HttpsProxyDaemonTest {
    @TempDir
    Path tmp;
    private GitHttpServer server;
    private Vortexd daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void httpsProxyFromTheEnvironment_andCaFile_servesThroughTheProxy_andStatusSaysSo() throws Exception {
        TestCa ca = TestCa.create(tmp.resolve("pki"), "corp");
        server = GitHttpServer.startTls(tmp.resolve("served"), ca.serverContext());
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        String c1 = origin.write("shop.yml", "port: 8080\n").commit("first");
        String url = server.serve(origin, "cfg.git");
        Path config = Files.writeString(tmp.resolve("vortex.yml"), """
                repos:
                  - name: cfg
                    urls: ["%s"]
                    ca-file: %s
                """.formatted(url, ca.caPem()));
        try (ConnectProxy proxy = ConnectProxy.start()) {
            proxy.requireAuth("svc", "pr0xy");
            daemon = Vortexd.launch(List.of("--config=" + config, "--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                    "--log.level=warn"), Map.of("https_proxy", "http://svc:pr0xy@127.0.0.1:" + proxy.port()));
            Http http = new Http(daemon.httpPort());
            await().atMost(Duration.ofSeconds(90)).until(http::ready);

            assertEquals(c1, http.version("shop", "default"));
            assertFalse(proxy.tunnels().isEmpty(), "the fetch went through the proxy");
            JsonNode status = http.json("/api/v1/repos/cfg");
            assertEquals("https", status.at("/mirrors/0/transport").asText());
            assertEquals("127.0.0.1:" + proxy.port() + " (https_proxy)", status.get("proxy").asText());
            assertFalse(status.toString().contains("pr0xy"), status.toString());
        }
    }

    @Test
    void skipSslValidation_isWarnedInStatus() throws Exception {
        daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=error",
                "--repo=https://127.0.0.1:1/x.git"), Map.of("VORTEX_REPOS_0_NAME", "cfg", "VORTEX_REPOS_0_URLS", "https://127.0.0.1:1/y.git",
                "VORTEX_REPOS_0_SKIP_SSL_VALIDATION", "true"));
        JsonNode status = new Http(daemon.httpPort()).json("/api/v1/repos/cfg");
        assertTrue(status.at("/warnings/0").asText().contains("skip-ssl-validation: true"), status.toString());
    }
}
