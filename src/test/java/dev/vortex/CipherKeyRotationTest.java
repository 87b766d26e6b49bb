package dev.vortex;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.ops.ConfigReloader;
import dev.vortex.testing.Http;
import dev.vortex.testing.KeyStores;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.encrypt.RsaAlgorithm;
import org.springframework.security.crypto.encrypt.RsaSecretEncryptor;

/**
 * The {@code {cipher}} RSA key store is rotated under a running daemon (a real one, real PKCS#12
 * stores written with the JDK's KeyStore API): a reload sees the file's new content, rebuilds the
 * keys and serves with them; a new store that does not open is refused and the old keys keep
 * serving; and no rotation (reload or restart) lets a client's old ETag get a 304 for stale plain text.
 */
class CipherKeyRotationTest {
    private static final String PASSWORD = "st0re-pw-6a1f";

    @TempDir
    Path tmp;
    private Path store;
    private Path configFile;
    private TestRepo repo;
    private Vortexd daemon;
    private RsaSecretEncryptor oldKey;
    private RsaSecretEncryptor newKey;

    @BeforeEach
    void setUp() throws Exception {
        store = tmp.resolve("config-server.p12");
        Path staged = tmp.resolve("rotated.p12");
        oldKey = encryptor(KeyStores.rsa(store, "PKCS12", PASSWORD, PASSWORD, "current").get("current"));
        newKey = encryptor(KeyStores.rsa(staged, "PKCS12", PASSWORD, PASSWORD, "current").get("current"));
        // a value made with the new key is pushed before the store is rotated (as an operator would)
        repo = TestRepo.init(tmp.resolve("repo")).write("shop.yml", "db.password: '{cipher}" + oldKey.encrypt("old-s3cret") + "'\n"
                + "api.key: '{cipher}" + newKey.encrypt("new-s3cret") + "'\n");
        repo.commit("encrypted values");
        configFile = Files.writeString(tmp.resolve("vortex.yml"), "sync:\n  interval: 30s\n");
        daemon = launch();
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private static RsaSecretEncryptor encryptor(KeyPair pair) {
        return new RsaSecretEncryptor(pair, RsaAlgorithm.DEFAULT, "deadbeef", false);
    }

    private Vortexd launch() throws Exception {
        Vortexd d = Vortexd.launch(List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn",
                "--config=" + configFile, "--repo=" + repo.url(), "--encrypt.key-store.location=" + store, "--encrypt.key-store.password=" + PASSWORD,
                "--encrypt.key-store.alias=current", "--encrypt.key-store.type=PKCS12"), Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> new Http(d.httpPort()).ready());
        return d;
    }

    private HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(new Http(daemon.httpPort()).uri(path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return new Http(daemon.httpPort()).send(b.GET().build());
    }

    private JsonNode source() {
        return Http.parse(get("/shop/default").body()).path("propertySources").get(0).path("source");
    }

    /** Replaces the store the way an operator does: a new file renamed over the old one. */
    private void rotate(Path replacement) throws Exception {
        Files.move(replacement, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void reloadWithAChangedStore_rebuildsTheKeys_andTheOldEtagGetsNo304() throws Exception {
        assertEquals("old-s3cret", source().path("db.password").asText());
        assertEquals("<n/a>", source().path("invalid.api.key").asText(), "made with a key the store does not hold yet");
        HttpResponse<String> before = get("/shop/default");
        String etag = before.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[0-9a-f]{40}-k[0-9a-f]{8}\""), etag);
        assertEquals(304, get("/shop/default", "If-None-Match", etag).statusCode(), "same keys, same answer");

        ConfigReloader.Status unchanged = daemon.reload();
        assertEquals("unchanged", unchanged.result(), unchanged.toString());
        assertEquals(304, get("/shop/default", "If-None-Match", etag).statusCode(), "a reload that changed nothing keeps the tags");

        rotate(tmp.resolve("rotated.p12")); // same name, same password, same alias: only the content tells
        ConfigReloader.Status rotated = daemon.reload();
        assertEquals("ok", rotated.result(), rotated.toString());
        assertEquals(List.of("encrypt.key-store.digest"), rotated.changed());

        assertEquals("new-s3cret", source().path("api.key").asText(), "served with the new key at once");
        assertEquals("<n/a>", source().path("invalid.db.password").asText());
        HttpResponse<String> after = get("/shop/default", "If-None-Match", etag);
        assertEquals(200, after.statusCode(), "the old tag names plain text the old keys decrypted");
        String fresh = after.headers().firstValue("ETag").orElseThrow();
        assertEquals(etag.substring(0, 41), fresh.substring(0, 41), "the same commit");
        assertNotEquals(etag, fresh);
        assertEquals(304, get("/shop/default", "If-None-Match", fresh).statusCode());
    }

    @Test
    void aNewStoreThatDoesNotOpen_isRefused_theOldKeysKeepServing_nothingHalfDone() throws Exception {
        String etag = get("/shop/default").headers().firstValue("ETag").orElseThrow();

        Path wrongPassword = tmp.resolve("wrong-password.p12");
        KeyStores.rsa(wrongPassword, "PKCS12", "other-" + PASSWORD, "other-" + PASSWORD, "current");
        Path wrongAlias = tmp.resolve("wrong-alias.p12");
        KeyStores.rsa(wrongAlias, "PKCS12", PASSWORD, PASSWORD, "next");
        Path garbage = Files.writeString(tmp.resolve("garbage.p12"), "not a key store");
        List<String> problems = new ArrayList<>();
        byte[] good = Files.readAllBytes(store);
        Files.writeString(configFile, "sync:\n  interval: 45s\n"); // changed in the same reload: not applied either
        for (Path bad : List.of(wrongPassword, wrongAlias, garbage)) {
            rotate(bad);
            ConfigReloader.Status s = daemon.reload();
            assertEquals("invalid", s.result(), bad + ": " + s);
            assertEquals(1, s.problems().size(), s.toString());
            assertTrue(s.problems().get(0).startsWith("encrypt.key-store.location: " + store), s.problems().toString());
            problems.addAll(s.problems());

            assertEquals("old-s3cret", source().path("db.password").asText(), "the old keys keep serving");
            assertEquals(304, get("/shop/default", "If-None-Match", etag).statusCode(), "nothing was rebuilt");
            assertEquals(Duration.ofSeconds(30), daemon.config().sync().interval(), "no other setting of the refused reload applied");
            Files.write(store, good);
        }
        assertTrue(problems.get(0).contains("does not open with encrypt.key-store.password"), problems.toString());
        assertTrue(problems.get(1).contains("no key with alias \"current\""), problems.toString());
        assertFalse(problems.toString().contains(PASSWORD), problems.toString());
        JsonNode status = Http.parse(get("/api/v1/info").body());
        assertEquals("invalid", status.path("config_reload").path("result").asText(), status.toString());
        ConfigReloader.Status back = daemon.reload();
        assertEquals("ok", back.result(), back.toString());
        assertEquals(List.of("sync.interval"), back.changed(), "the good store again: as running");
        assertEquals("old-s3cret", source().path("db.password").asText());
    }

    @Test
    void restart_drawsANewEtagTag_soAClientsTagFromBeforeGetsNo304() throws Exception {
        String etag = get("/shop/default").headers().firstValue("ETag").orElseThrow();
        daemon.shutdown();
        rotate(tmp.resolve("rotated.p12"));
        daemon = launch();
        HttpResponse<String> r = get("/shop/default", "If-None-Match", etag);
        assertEquals(200, r.statusCode(), "a restart with rotated keys answers in full");
        assertEquals("new-s3cret", Http.parse(r.body()).path("propertySources").get(0).path("source").path("api.key").asText());
        String fresh = r.headers().firstValue("ETag").orElseThrow();
        assertEquals(etag.substring(0, 41), fresh.substring(0, 41), "the same commit");
        assertNotEquals(etag, fresh);
    }
}
