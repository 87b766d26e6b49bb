package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vortex.ops.Credential;
import dev.vortex.testing.Certs;
import dev.vortex.testing.TestRepo;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.encrypt.Encryptors;

/**
 * An unmodified Spring Boot application with Spring Cloud Config's client
 * ({@code spring.config.import=configserver:https://…}, {@code spring.cloud.config.username/password},
 * a trust store holding the test CA) loads its configuration from the daemon over HTTPS, with the
 * {@code {cipher}} values decrypted; with a wrong password it fails to start ({@code fail-fast}).
 * The settings are the README's.
 */
class SpringClientTest {
    @TempDir
    Path tmp;

    @SpringBootConfiguration
    static class ClientApp {
    }

    @Test
    void springBootClient_overHttps_withBasicAuth_loadsDecryptedValues() throws Exception {
        Certs.Issued ca = Certs.ca("vortex test CA");
        Certs.Issued server = ca.issue("vortexd", true);
        Path trustStore = tmp.resolve("config-ca.p12");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("vortex-ca", ca.cert());
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            ts.store(out, "changeit".toCharArray());
        }
        String key = "symm3tric-" + System.nanoTime();
        String dbPassword = "db-pässw0rd-" + System.nanoTime();
        TestRepo repo = TestRepo.init(tmp.resolve("repo"))
                .write("application.yml", "greeting: hello\n")
                .write("orders.yml", "db:\n  user: orders\n  password: '{cipher}" + Encryptors.text(key, "deadbeef").encrypt(dbPassword) + "'\n")
                .write("orders-prod.properties", "pool.size=20\n");
        repo.commit("orders configuration");
        Path principals = Files.writeString(tmp.resolve("principals.yml"), "principals:\n"
                + "  - {name: orders-service, password: \"" + Credential.hashPassword("s3cret-pw", 1000) + "\", scopes: [\"read:orders\"]}\n");
        Vortexd d = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--repo=" + repo.url(), "--tls.cert-file=" + server.writeCert(tmp.resolve("s.crt")),
                "--tls.key-file=" + server.writeKey(tmp.resolve("s.key")), "--auth.principals-file=" + principals,
                "--encrypt.key=" + key), Map.of());
        String previous = System.getProperty("org.springframework.boot.logging.LoggingSystem");
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none"); // leave the test JVM's logging alone
        try {
            HttpClient probe = HttpClient.newBuilder().sslContext(Certs.trusting(ca)).build();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> probe.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + d.httpPort() + "/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            try (ConfigurableApplicationContext app = client(d.httpPort(), "s3cret-pw", trustStore)) {
                assertEquals(dbPassword, app.getEnvironment().getProperty("db.password"));
                assertEquals("orders", app.getEnvironment().getProperty("db.user"));
                assertEquals("20", app.getEnvironment().getProperty("pool.size"));
                assertEquals("hello", app.getEnvironment().getProperty("greeting"));
            }
            assertThrows(IllegalStateException.class, () -> client(d.httpPort(), "wrong", trustStore).close(),
                    "fail-fast: a 401 stops the client's start");
        } finally {
            if (previous == null) {
                System.clearProperty("org.springframework.boot.logging.LoggingSystem");
            } else {
                System.setProperty("org.springframework.boot.logging.LoggingSystem", previous);
            }
            d.shutdown();
        }
    }

    // the README's client settings, as command-line properties of the application
    private static ConfigurableApplicationContext client(int port, String password, Path trustStore) {
        return new SpringApplicationBuilder(ClientApp.class).web(WebApplicationType.NONE).run(
                "--spring.application.name=orders",
                "--spring.profiles.active=prod",
                "--spring.config.import=configserver:https://127.0.0.1:" + port,
                "--spring.cloud.config.username=orders-service",
                "--spring.cloud.config.password=" + password,
                "--spring.cloud.config.fail-fast=true",
                "--spring.cloud.config.tls.enabled=true",
                "--spring.cloud.config.tls.trust-store=file:" + trustStore,
                "--spring.cloud.config.tls.trust-store-type=PKCS12",
                "--spring.cloud.config.tls.trust-store-password=changeit");
    }
}
