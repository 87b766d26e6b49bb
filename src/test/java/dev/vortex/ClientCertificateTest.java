package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.ConfigException;
import dev.vortex.testing.Certs;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls.client-ca-file}: a client certificate the CA signed is the principal its CN or a SAN
 * names ({@code certificate: true} in the principals file), scoped like any other, over HTTPS and
 * WSS; without one a password or token still works; one from another CA or expired fails the
 * handshake; a new CA file is picked up on reload.
 */
class ClientCertificateTest {
    @TempDir
    Path tmp;

    @Test
    void verifiedClientCertificate_isTheScopedPrincipal_othersAreRefused() throws Exception {
        Certs.Issued ca = Certs.ca("vortex test CA");
        Certs.Issued server = ca.issue("vortexd", true);
        Path cert = server.writeCert(tmp.resolve("server.crt"));
        Path key = server.writeKey(tmp.resolve("server.key"));
        Certs.Issued clients = Certs.ca("client CA");
        Path clientCa = clients.writeCert(tmp.resolve("clients.pem"));
        Certs.Issued orders = clients.issue("orders-host-17", false, "orders-service");  // the SAN names the principal
        Certs.Issued billing = clients.issue("billing", false);                            // the CN does
        Certs.Issued stranger = clients.issue("stranger", false);                          // verified, but no such principal
        Certs.Issued foreign = Certs.ca("another CA").issue("orders-service", false);
        Certs.Issued forged = Certs.ca("client CA").issue("orders-service", false); // same issuer name, another key
        Certs.Issued expired = clients.issue("orders-service", false, Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600));
        Path principals = Files.writeString(tmp.resolve("principals.yml"), """
                principals:
                  - {name: orders-service, certificate: true, scopes: ["read:orders", "watch:orders"]}
                  - {name: billing, certificate: true, scopes: ["read:billing"]}
                  - {name: ops, token: ops-token, scopes: [admin, "read:*"]}
                """);
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("orders.yml", "o: 1\n").write("billing.yml", "b: 2\n");
        repo.commit("c");
        Vortexd d = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--repo=" + repo.url(), "--tls.cert-file=" + cert, "--tls.key-file=" + key, "--tls.client-ca-file=" + clientCa,
                "--auth.principals-file=" + principals), Map.of());
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(d, Certs.trusting(ca), "/ready", null).statusCode() == 200);
            assertEquals(200, get(d, orders.clientContext(ca), "/orders/default", null).statusCode());
            assertEquals(403, get(d, orders.clientContext(ca), "/billing/default", null).statusCode());
            assertEquals(200, get(d, billing.clientContext(ca), "/billing/default", null).statusCode());
            assertEquals(401, get(d, stranger.clientContext(ca), "/orders/default", null).statusCode());
            assertEquals(401, get(d, Certs.trusting(ca), "/orders/default", null).statusCode(), "no certificate, no credentials");
            assertEquals(200, get(d, Certs.trusting(ca), "/billing/default", "Bearer ops-token").statusCode(), "tokens still work");
            assertEquals(401, get(d, orders.clientContext(ca), "/orders/default", "Bearer wrong").statusCode(),
                    "a header that is sent is what counts");
            assertEquals(401, get(d, foreign.clientContext(ca), "/orders/default", null).statusCode(),
                    "another CA: the client offers nothing the server asked for");
            assertThrows(IOException.class, () -> get(d, forged.clientContext(ca), "/orders/default", null), "forged: handshake refused");
            assertThrows(IOException.class, () -> get(d, expired.clientContext(ca), "/orders/default", null), "expired: handshake refused");

            assertTrue(wssFirstFrame(orders.clientContext(ca), d.wsPort(), "/ws/orders/default").contains("config_snapshot"), "WSS");
            String refused = wssFirstFrame(Certs.trusting(ca), d.wsPort(), "/ws/orders/default");
            assertTrue(refused.contains("UNAUTHORIZED") || refused.equals("close 4401"), "WSS without credentials: " + refused);

            // a new client CA, reloaded with the other TLS files: the old CA's certificates are refused from then on
            Certs.Issued rotated = Certs.ca("client CA 2");
            rotated.writeCert(clientCa);
            d.reload();
            assertEquals(401, get(d, orders.clientContext(ca), "/orders/default", null).statusCode(), "the old CA after the reload");
            assertEquals(200, get(d, rotated.issue("orders-service", false).clientContext(ca), "/orders/default", null).statusCode());
        } finally {
            d.shutdown();
        }
    }

    @Test
    void clientCaFile_withoutTls_orNotACertificate_isAConfigurationError() throws Exception {
        Path bad = Files.writeString(tmp.resolve("not-a-ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Certs.Issued server = Certs.ca("ca").issue("vortexd", true);
        List<String> base = List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0");
        ConfigException alone = assertThrows(ConfigException.class, () -> Vortexd.launch(
                concat(base, "--tls.client-ca-file=" + bad), Map.of()));
        assertTrue(alone.problems().toString().contains("tls.client-ca-file needs tls.cert-file"), alone.problems().toString());
        ConfigException garbage = assertThrows(ConfigException.class, () -> Vortexd.launch(concat(base, "--tls.client-ca-file=" + bad,
                "--tls.cert-file=" + server.writeCert(tmp.resolve("s.crt")), "--tls.key-file=" + server.writeKey(tmp.resolve("s.key"))), Map.of()));
        assertTrue(garbage.problems().toString().contains("tls.client-ca-file: " + bad), garbage.problems().toString());
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    private static HttpResponse<String> get(Vortexd d, SSLContext ctx, String path, String authorization) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + d.httpPort() + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // a raw WSS handshake; the first frame: its text, or "close <code>"
    private static String wssFirstFrame(SSLContext ctx, int port, String path) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = line(in);
            assertTrue(status.contains("101"), status);
            while (!line(in).isEmpty()) {
                // headers
            }
            int b0 = in.read();
            int len = in.read() & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            }
            byte[] body = in.readNBytes(len);
            if (b0 == 0x88) {
                return "close " + ((body[0] & 0xff) << 8 | (body[1] & 0xff));
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
