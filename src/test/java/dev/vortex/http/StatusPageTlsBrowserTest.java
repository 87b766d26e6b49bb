package dev.vortex.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.Vortexd;
import dev.vortex.testing.Browser;
import dev.vortex.testing.Certs;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page and its live feed over HTTPS and WSS, in headless Chromium that trusts the
 * daemon's certificate made in the test (by its public key: {@code --ignore-certificate-errors-spki-list},
 * which headless Chromium honours without an NSS database or extra tools).
 */
class StatusPageTlsBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void statusPage_andLiveFeed_overHttpsAndWss() throws Exception {
        Browser.requireInstalled();
        Certs.Issued ca = Certs.ca("vortex test CA");
        Certs.Issued server = ca.issue("vortexd", true);
        String spki = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(server.cert().getPublicKey().getEncoded()));
        TestRepo repo = TestRepo.init(tmp.resolve("cfg")).write("shop.yml", "server:\n  port: 8080\n");
        String first = repo.commit("initial");
        Vortexd daemon = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--repo=" + repo.url(), "--tls.cert-file=" + server.writeCert(tmp.resolve("s.crt")),
                "--tls.key-file=" + server.writeKey(tmp.resolve("s.key"))), Map.of());
        HttpClient http = HttpClient.newBuilder().sslContext(Certs.trusting(ca)).build();
        String base = "https://127.0.0.1:" + daemon.httpPort();
        try (Browser browser = Browser.launch(Browser.binary().orElseThrow(), List.of("--ignore-certificate-errors-spki-list=" + spki))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            browser.navigate(base + "/");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> browser.text("#ws-state").orElse("").contains("live") && browser.text("#feed-state").orElse("").contains("watching"));
            assertEquals("https:", browser.eval("location.protocol").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("[data-repo=cfg] .badge").orElse("").contains("OK"));

            repo.write("shop.yml", "server:\n  port: 9090\n");
            String next = repo.commit("port 9090");
            HttpResponse<String> refresh = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/refresh?wait=30s"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, refresh.statusCode(), refresh.body());
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> browser.text("#feed").orElse("").contains("shop:default:main"));
            String change = browser.text("#feed li.change[data-key='shop:default:main']").orElse("");
            assertTrue(change.contains(first.substring(0, 8) + "→" + next.substring(0, 8)), change);
            assertTrue(change.contains("changedserver.port: 8080 → 9090"), change);
            assertEquals(List.of(), browser.errors());
            browser.navigate("about:blank");
        } finally {
            daemon.shutdown();
        }
    }
}
