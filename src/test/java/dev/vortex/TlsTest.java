package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.ConfigException;
import dev.vortex.testing.Certs;
import dev.vortex.testing.TestRepo;
import dev.vortex.testing.Tools;
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
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and WSS with certificates made in the test by openssl (a CA and leaves signed by it):
 * PKCS#8, PKCS#1 RSA and SEC1 EC keys; a bad pair at start is a configuration error naming the
 * file; a SIGHUP reload swaps the certificate without dropping an open WSS session, and a bad
 * new pair (key not matching, expired) keeps the old one; TLS 1.0 and 1.1 clients are refused.
 */
class TlsTest {
    @TempDir
    Path tmp;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + "\n" + out);
    }

    private static boolean hasOpenssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** A CA (ca.pem) and a leaf for 127.0.0.1 named {@code name}: {@code name}.crt and {@code name}.key in {@code keyKind}. */
    private void makeCa() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=vortex test CA");
    }

    private void makeLeaf(String name, String keyKind) throws Exception {
        switch (keyKind) {
            case "pkcs8" -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key");
            case "pkcs1" -> {
                openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".p8");
                openssl("rsa", "-in", name + ".p8", "-traditional", "-out", name + ".key");
            }
            default -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
        }
        Files.writeString(tmp.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".crt");
    }

    private SSLContext trustingCa() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(tmp.resolve("ca.pem"))) {
            ts.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private Vortexd start(String name) throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("app.yml", "a: 1\n");
        repo.commit("c");
        return Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--repo=" + repo.url(), "--tls.cert-file=" + tmp.resolve(name + ".crt"), "--tls.key-file=" + tmp.resolve(name + ".key")), Map.of());
    }

    private String peerCn(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void https_andWss_forEachKeyFormat_tls11Refused() throws Exception {
        Tools.require(hasOpenssl(), "openssl");
        makeCa();
        for (String kind : List.of("pkcs8", "pkcs1", "ec")) {
            makeLeaf("leaf-" + kind, kind);
            Vortexd d = start("leaf-" + kind);
            try {
                SSLContext ctx = trustingCa();
                HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
                // a fresh data dir serves nothing before the first sync
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + d.httpPort() + "/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + d.httpPort() + "/app/default"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), kind);
                assertTrue(r.body().contains("\"a\":1"), r.body());
                assertEquals("CN=leaf-" + kind, peerCn(ctx, d.wsPort()), "WSS on the WebSocket port, " + kind);
                assertTrue(wssFirstMessage(ctx, d.wsPort()).contains("\"type\":\"config_snapshot\""), kind);
                assertFalse(handshakes(d.httpPort(), "-tls1_1"), "a TLS 1.1 client is refused");
                assertFalse(handshakes(d.httpPort(), "-tls1"), "a TLS 1.0 client is refused");
                assertTrue(handshakes(d.httpPort(), "-tls1_2"), "TLS 1.2 is served");
            } finally {
                d.shutdown();
            }
        }
    }

    // a raw WSS handshake on /ws/app/default, returning the first text message (unmasked server frame, < 126 bytes header)
    private static String wssFirstMessage(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /ws/app/default HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = readLine(in);
            assertTrue(status.contains("101"), status);
            while (!readLine(in).isEmpty()) {
                // headers
            }
            int b0 = in.read();
            int len = in.read() & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            }
            assertEquals(0x81, b0);
            return new String(in.readNBytes(len), StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private boolean handshakes(int port, String protocolFlag) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, protocolFlag,
                "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", tmp.resolve("ca.pem").toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out.contains("Verify return code: 0 (ok)") && !out.contains("Cipher is (NONE)");
    }

    @Test
    void badPairAtStart_isAConfigurationErrorNamingTheFile() throws Exception {
        Tools.require(hasOpenssl(), "openssl");
        makeCa();
        makeLeaf("one", "pkcs8");
        makeLeaf("two", "ec");
        Files.copy(tmp.resolve("two.key"), tmp.resolve("one-wrong.key"));
        Files.copy(tmp.resolve("one.crt"), tmp.resolve("one-wrong.crt"));
        ConfigException e = assertThrows(ConfigException.class, () -> start("one-wrong"));
        assertTrue(e.problems().toString().contains("one-wrong.key is not the private key of the certificate"), e.problems().toString());
        Files.writeString(tmp.resolve("garbage.crt"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        Files.copy(tmp.resolve("one.key"), tmp.resolve("garbage.key"));
        e = assertThrows(ConfigException.class, () -> start("garbage"));
        assertTrue(e.problems().toString().contains("tls.cert-file: " + tmp.resolve("garbage.crt")), e.problems().toString());
        Files.copy(tmp.resolve("one.crt"), tmp.resolve("nokey.crt"));
        Files.writeString(tmp.resolve("nokey.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        e = assertThrows(ConfigException.class, () -> start("nokey"));
        assertTrue(e.problems().toString().contains("tls.key-file: " + tmp.resolve("nokey.key")), e.problems().toString());
        assertFalse(e.problems().toString().contains("AAAA"));
    }

    @Test
    void sighupSwapsTheCertificate_openSessionsStay_badNewPairKeepsTheOld() throws Exception {
        Tools.require(hasOpenssl(), "openssl");
        makeCa();
        makeLeaf("first", "pkcs8");
        makeLeaf("second", "ec");
        Files.copy(tmp.resolve("first.crt"), tmp.resolve("live.crt"));
        Files.copy(tmp.resolve("first.key"), tmp.resolve("live.key"));
        Vortexd d = start("live");
        try {
            SSLContext ctx = trustingCa();
            assertEquals("CN=first", peerCn(ctx, d.httpPort()));
            try (SSLSocket open = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", d.httpPort())) {
                open.startHandshake();
                Files.copy(tmp.resolve("second.crt"), tmp.resolve("live.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(tmp.resolve("second.key"), tmp.resolve("live.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                d.reload();
                assertEquals("CN=second", peerCn(ctx, d.httpPort()), "new handshakes get the new certificate");
                assertEquals("CN=second", peerCn(ctx, d.wsPort()));
                open.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readLine(open.getInputStream()).contains("200"), "the connection opened before the reload still works");
            }
            Files.copy(tmp.resolve("first.key"), tmp.resolve("live.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            d.reload(); // the key no longer matches the certificate
            assertEquals("CN=second", peerCn(ctx, d.httpPort()), "a bad new pair keeps the old one");
            Certs.Issued expired = Certs.ca("another CA").issue("expired", true, java.time.Instant.now().minusSeconds(7200),
                    java.time.Instant.now().minusSeconds(60));
            expired.writeCert(tmp.resolve("live.crt"));
            expired.writeKey(tmp.resolve("live.key"));
            d.reload();
            assertEquals("CN=second", peerCn(ctx, d.httpPort()), "an expired certificate is not taken: the old one stays");
        } finally {
            d.shutdown();
        }
    }
}
