package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.config.ConfigException;
import dev.vortex.testing.KeyStores;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.RsaAlgorithm;
import org.springframework.security.crypto.encrypt.RsaSecretEncryptor;
import org.springframework.security.crypto.encrypt.TextEncryptor;

/**
 * {@code {cipher}} values served decrypted, as Spring Cloud Config serves them: ciphertexts made
 * by spring-security-crypto decrypt, a value that cannot be decrypted becomes
 * {@code invalid.<key>: <n/a>} (counted, logged by file and key, never the value), and the
 * {@code /encrypt}, {@code /decrypt}, {@code /encrypt/status} endpoints need {@code admin}.
 */
class CipherValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "my-symm3tric-key";

    @TempDir
    Path tmp;

    @Test
    void cipherValues_decryptedInEveryView_undecryptableServedAsSpringDoes() throws Exception {
        TextEncryptor spring = Encryptors.text(KEY, "deadbeef");
        String dbPassword = "db-pässw0rd-" + System.nanoTime();
        TestRepo repo = TestRepo.init(tmp.resolve("repo"))
                .write("shop.yml", "db:\n  password: '{cipher}" + spring.encrypt(dbPassword) + "'\n  user: shop\n"
                        + "api.key: '{cipher}{key:other}" + spring.encrypt("api-k3y") + "'\n"
                        + "broken: '{cipher}" + Encryptors.text("wrong-key", "deadbeef").encrypt("never-shown") + "'\n"
                        + "truncated: '{cipher}abc'\n")
                .write("shop-prod.properties", "token={cipher}" + spring.encrypt("t0ken") + "\n");
        repo.commit("encrypted values");
        Path principals = Files.writeString(tmp.resolve("p.yml"), """
                principals:
                  - {name: admin, token: admin-token, scopes: [admin]}
                  - {name: shop, token: shop-token, scopes: ["read:shop"]}
                """);
        List<String> logs = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logs.add(r.getMessage() + " " + (r.getParameters() == null ? "" : List.of(r.getParameters())));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (LiveDaemon live = LiveDaemon.start(tmp, repo, "--encrypt.key=" + KEY, "--auth.principals-file=" + principals,
                "--auth.open-paths=/metrics")) {
            Logger.getLogger("dev.vortex").addHandler(capture); // after start: the daemon installs its own logging
            HttpResponse<String> r = live.get("/shop/prod", "Authorization", "Bearer shop-token");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode sources = JSON.readTree(r.body()).path("propertySources");
            JsonNode props = sources.get(0).path("source");
            assertEquals("t0ken", props.path("token").asText());
            JsonNode yml = sources.get(1).path("source");
            assertEquals(dbPassword, yml.path("db.password").asText());
            assertEquals("api-k3y", yml.path("api.key").asText(), "{key:NAME} prefixes are stripped");
            assertEquals("<n/a>", yml.path("invalid.broken").asText());
            assertEquals("<n/a>", yml.path("invalid.truncated").asText());
            assertFalse(yml.has("broken"));
            List<String> order = new ArrayList<>();
            yml.fieldNames().forEachRemaining(order::add);
            assertEquals(List.of("db.user", "db.password", "api.key", "invalid.broken", "invalid.truncated"), order,
                    "as Spring: a decrypted key is removed and put back, so it moves to the end");

            String view = live.get("/shop-prod.properties", "Authorization", "Bearer shop-token").body();
            assertTrue(view.contains("db.password: " + dbPassword) || view.contains("db.password=" + dbPassword), view);
            assertEquals(2.0, live.metricSum("vortex_cipher_failures_total", "repo=\"repo\""), 0.0);

            // named in status: file, key, labels, commit, why — never the value
            String repos = live.get("/api/v1/repos", "Authorization", "Bearer admin-token").body();
            JsonNode failed = JSON.readTree(repos).path("repos").get(0).path("cipher_failures");
            List<String> named = new ArrayList<>();
            failed.forEach(f -> named.add(f.path("file").asText() + " " + f.path("key").asText() + " " + f.path("labels")));
            assertEquals(List.of("shop.yml broken [\"main\"]", "shop.yml truncated [\"main\"]"), named.stream().sorted().toList(), repos);
            assertEquals(repo.head(), failed.get(0).path("commit").asText());
            assertFalse(repos.contains("never-shown") || repos.contains(dbPassword), repos);

            // encrypt / decrypt: admin only; what /encrypt makes, Spring decrypts
            HttpResponse<String> denied = post(live, "/encrypt", "x", "shop-token", "text/plain");
            assertEquals(403, denied.statusCode());
            HttpResponse<String> enc = post(live, "/encrypt", "s3cret text", "admin-token", "text/plain");
            assertEquals(200, enc.statusCode());
            assertEquals("s3cret text", spring.decrypt(enc.body()));
            assertEquals("s3cret text", post(live, "/decrypt", enc.body(), "admin-token", "text/plain").body());
            assertEquals("hello", post(live, "/decrypt", spring.encrypt("hello") + "=", "admin-token",
                    "application/x-www-form-urlencoded").body(), "curl -d adds '=' as Spring expects");
            HttpResponse<String> bad = post(live, "/decrypt", "abcd", "admin-token", "text/plain");
            assertEquals(400, bad.statusCode());
            assertEquals("INVALID", JSON.readTree(bad.body()).path("status").asText());
            HttpResponse<String> status = live.get("/encrypt/status", "Authorization", "Bearer admin-token");
            assertEquals("OK", JSON.readTree(status.body()).path("status").asText());
        } finally {
            Logger.getLogger("dev.vortex").removeHandler(capture);
        }
        synchronized (logs) {
            assertTrue(logs.stream().anyMatch(l -> l.contains("cannot decrypt") && l.contains("broken") && l.contains("shop.yml")), logs.toString());
            for (String l : logs) {
                assertFalse(l.contains(dbPassword) || l.contains("never-shown") || l.contains(KEY) || l.contains("api-k3y"), l);
            }
        }
    }

    @Test
    void rsaKeyStore_rotatedAliases_decryptAsSpringDoes_andEncryptPicksTheAlias() throws Exception {
        Path store = tmp.resolve("config-server.p12");
        Map<String, KeyPair> pairs = KeyStores.rsa(store, "PKCS12", "st0re", "st0re", "v2", "v1");
        RsaSecretEncryptor v1 = new RsaSecretEncryptor(pairs.get("v1"), RsaAlgorithm.DEFAULT, "deadbeef", false);
        RsaSecretEncryptor v2 = new RsaSecretEncryptor(pairs.get("v2"), RsaAlgorithm.DEFAULT, "deadbeef", false);
        TestRepo repo = TestRepo.init(tmp.resolve("repo"))
                .write("shop.yml", "old: '{cipher}{key:v1}" + v1.encrypt("from-v1") + "'\n"
                        + "current: '{cipher}" + v2.encrypt("from-v2") + "'\n"
                        + "unknown: '{cipher}{key:v0}" + v1.encrypt("x") + "'\n"
                        + "tampered: '{cipher}" + tamper(v2.encrypt("x")) + "'\n"
                        + "truncated: '{cipher}" + v2.encrypt("x").substring(0, 40) + "'\n"
                        + "wrongkey: '{cipher}{key:v1}" + v2.encrypt("x") + "'\n");
        repo.commit("rsa values");
        try (LiveDaemon live = LiveDaemon.start(tmp, repo, "--encrypt.key-store.location=file:" + store,
                "--encrypt.key-store.password=st0re", "--encrypt.key-store.alias=v2", "--encrypt.key-store.type=PKCS12")) {
            JsonNode src = JSON.readTree(live.get("/shop/default").body()).path("propertySources").get(0).path("source");
            assertEquals("from-v1", src.path("old").asText());
            assertEquals("from-v2", src.path("current").asText());
            for (String bad : List.of("unknown", "tampered", "truncated", "wrongkey")) {
                assertEquals("<n/a>", src.path("invalid." + bad).asText(), bad + ": served as Spring serves it, never a 500");
            }
            JsonNode failed = JSON.readTree(live.get("/api/v1/repos").body()).path("repos").get(0).path("cipher_failures");
            assertEquals("unknown no key with alias \"v0\"", failed.get(0).path("key").asText() + " " + failed.get(0).path("reason").asText());

            HttpResponse<String> enc = post(live, "/encrypt", "{key:v1}rotated", "none", "text/plain");
            assertEquals(200, enc.statusCode(), enc.body());
            assertTrue(enc.body().startsWith("{key:v1}"), enc.body());
            assertEquals("rotated", v1.decrypt(enc.body().substring("{key:v1}".length())));
            assertEquals("rotated", post(live, "/decrypt", enc.body(), "none", "text/plain").body());
            assertEquals("plain", v2.decrypt(post(live, "/encrypt", "plain", "none", "text/plain").body()), "no prefix: the default alias");
            HttpResponse<String> noAlias = post(live, "/encrypt", "{key:v9}x", "none", "text/plain");
            assertEquals(400, noAlias.statusCode());
            assertEquals("INVALID", JSON.readTree(noAlias.body()).path("status").asText());
            assertEquals(400, post(live, "/decrypt", "{key:v1}" + v2.encrypt("x"), "none", "text/plain").statusCode());
        }
    }

    @Test
    void badKeyStore_atStart_isAConfigurationError_namingTheFile_neverThePassword() throws Exception {
        Path store = tmp.resolve("config-server.p12");
        KeyStores.rsa(store, "PKCS12", "right-s3cret", "right-s3cret", "v1");
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (List<String> args : List.of(List.of("--encrypt.key-store.password=wrong-s3cret", "--encrypt.key-store.alias=v1"),
                List.of("--encrypt.key-store.password=right-s3cret", "--encrypt.key-store.alias=v7"))) {
            List<String> all = new ArrayList<>(List.of("--data-dir=" + data, "--http.port=0", "--ws.port=0", "--encrypt.key-store.location=" + store));
            all.addAll(args);
            ConfigException e = assertThrows(ConfigException.class, () -> Vortexd.launch(all, Map.of()));
            assertTrue(e.problems().get(0).contains(store.toString()), e.problems().toString());
            assertFalse(e.problems().toString().contains("s3cret"), e.problems().toString());
        }
    }

    @Test
    void noKey_cipherValuesAreInvalid_andEncryptSaysNoKey() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("app.yml", "p: '{cipher}00112233'\nplain: x\n")
                .write("other.yml", "nested:\n  q: '{cipher}{key:k1}00112233'\n");
        repo.commit("c");
        try (LiveDaemon live = LiveDaemon.start(tmp, repo)) {
            // named in status by the commit check, before any client asked for other.yml
            JsonNode failed = JSON.readTree(live.get("/api/v1/repos").body()).path("repos").get(0).path("cipher_failures");
            assertEquals(2, failed.size(), failed.toString());
            assertEquals("other.yml nested.q no encrypt.key or encrypt.key-store configured", failed.get(1).path("file").asText()
                    + " " + failed.get(1).path("key").asText() + " " + failed.get(1).path("reason").asText());
            JsonNode src = JSON.readTree(live.get("/app/default").body()).path("propertySources").get(0).path("source");
            assertEquals("<n/a>", src.path("invalid.p").asText());
            HttpResponse<String> r = post(live, "/encrypt", "x", "none", "text/plain");
            assertEquals(404, r.statusCode());
            assertEquals("NO_KEY", JSON.readTree(r.body()).path("status").asText());
        }
    }

    @Test
    void restart_namesTheCipherFailuresAgain_scannedAfterServingStarts() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("app.yml", "p: '{cipher}00112233'\nplain: x\n");
        repo.commit("c");
        try (LiveDaemon live = LiveDaemon.start(tmp, repo)) {
            assertEquals(1, JSON.readTree(live.get("/api/v1/repos").body()).path("repos").get(0).path("cipher_failures").size());
        }
        // the restart trusts state.json's check results and checks no commit: the scan finds them, off the start
        try (LiveDaemon live = LiveDaemon.start(tmp, repo)) {
            assertEquals(200, live.get("/ready").statusCode());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    JSON.readTree(live.get("/api/v1/repos").body()).path("repos").get(0).path("cipher_failures").size() == 1);
            JsonNode failed = JSON.readTree(live.get("/api/v1/repos").body()).path("repos").get(0).path("cipher_failures").get(0);
            assertEquals("app.yml p", failed.path("file").asText() + " " + failed.path("key").asText());
        }
    }

    // the last byte flipped: the AES padding no longer checks out
    private static String tamper(String base64) {
        byte[] raw = java.util.Base64.getDecoder().decode(base64);
        raw[raw.length - 1] ^= 1;
        return java.util.Base64.getEncoder().encodeToString(raw);
    }

    private static HttpResponse<String> post(LiveDaemon live, String path, String body, String token, String type) {
        return live.send(HttpRequest.newBuilder(live.uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
