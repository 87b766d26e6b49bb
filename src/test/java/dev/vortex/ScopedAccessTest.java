package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.ops.Credential;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.RawWebSocket;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads scoped by principals ({@code auth.principals-file}): Basic and bearer credentials, 401 with
 * a challenge, 403 out of scope that never tells whether an application exists, scope escapes,
 * WebSocket scopes (patterns expand only to permitted applications, FORBIDDEN keeps the
 * connection), SIGHUP removing a principal closes its sessions 4401.
 */
class ScopedAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Path principals;
    private static LiveDaemon live;

    static final String FILE = """
            principals:
              - name: shop-client
                password: "%s"
                scopes: ["read:shop*", "watch:shop*"]
              - name: billing-only
                password: plain-pass
                scopes: ["read:billing@other-repo"]
              - name: deployer
                token: "%s"
                scopes: [admin]
              - name: watcher
                token: watch-token
                scopes: ["read:billing", "watch:billing"]
            """.formatted(Credential.hashPassword("shop-s3cret", 1000), Credential.hashToken("deploy-t0ken"));

    @BeforeAll
    static void start() throws IOException {
        TestRepo repo = TestRepo.init(tmp.resolve("repo"))
                .write("application.yml", "common: 1\n")
                .write("shop.yml", "shop.db.password: hunter2\n")
                .write("shopfront.yml", "x: 1\n")
                .write("billing.yml", "billing.key: k\n");
        repo.commit("config");
        principals = Files.writeString(tmp.resolve("principals.yml"), FILE);
        live = LiveDaemon.start(tmp, repo, "--auth.principals-file=" + principals, "--auth.max-failures=100000");
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void configPaths_needAPrincipal_401WithBasicChallenge() throws Exception {
        for (String path : List.of("/shop/default", "/shop-default.yml", "/main/shop-default.properties", "/nosuch/default",
                "/shop/default/main/shop.yml")) {
            HttpResponse<String> r = live.get(path);
            assertEquals(401, r.statusCode(), path);
            assertEquals(List.of("Basic realm=\"vortex\", charset=\"UTF-8\"", "Bearer realm=\"vortex\""),
                    r.headers().allValues("WWW-Authenticate"), path);
            assertFalse(r.body().contains("hunter2"));
            HttpResponse<String> wrong = live.get(path, "Authorization", basic("shop-client", "guess"));
            assertEquals(401, wrong.statusCode(), path);
        }
    }

    @Test
    void basicPrincipal_readsItsApplications_hashedAndPlaintextPasswords() throws Exception {
        String shop = basic("shop-client", "shop-s3cret");
        HttpResponse<String> env = live.get("/shop/default", "Authorization", shop);
        assertEquals(200, env.statusCode(), env.body());
        assertTrue(env.body().contains("hunter2"));
        assertEquals(200, live.get("/shop-default.yml", "Authorization", shop).statusCode());
        assertEquals(200, live.get("/shopfront/default", "Authorization", shop).statusCode(), "the glob shop* covers shopfront");
        assertEquals(404, live.get("/shop-nosuch/default/nolabel", "Authorization", shop).statusCode(), "in scope: a real 404");
    }

    @Test
    void outOfScope_is403_identicalWhetherTheApplicationExistsOrNot() throws Exception {
        String shop = basic("shop-client", "shop-s3cret");
        HttpResponse<String> exists = live.get("/billing/default", "Authorization", shop);
        HttpResponse<String> missing = live.get("/billingx/default", "Authorization", shop);
        assertEquals(403, exists.statusCode());
        assertEquals(403, missing.statusCode());
        assertEquals(JSON.readTree(exists.body()).path("message").asText().replace("billing", "X"),
                JSON.readTree(missing.body()).path("message").asText().replace("billingx", "X"));
        assertFalse(exists.body().contains("billing.key"));
    }

    @Test
    void scopeEscapes_patternsCaseEncodedNamesAndCommaLists_allRefused() throws Exception {
        String shop = basic("shop-client", "shop-s3cret");
        for (String path : List.of("/SHOP/default", "/billing/default", "/%62illing/default", "/shop,billing/default",
                "/billing-default.yml", "/main/billing-default.properties", "/billing/default/main/billing.yml",
                "/b%69lling/default/main", "/*/default", "/billing/default/main(_)x")) {
            HttpResponse<String> r = live.get(path, "Authorization", shop);
            assertTrue(r.statusCode() == 403 || r.statusCode() == 400, path + " → " + r.statusCode() + " " + r.body());
            assertFalse(r.body().contains("billing.key"), path);
        }
    }

    @Test
    void readScopeLimitedToARepository_otherRepositoryRefused() {
        // billing-only may read billing only from other-repo; this daemon serves it from "repo"
        HttpResponse<String> r = live.get("/billing/default", "Authorization", basic("billing-only", "plain-pass"));
        assertEquals(403, r.statusCode(), r.body());
    }

    @Test
    void adminPaths_needAdminScope_bearerTokenHashedWorks() {
        assertEquals(403, live.get("/api/v1/repos", "Authorization", basic("shop-client", "shop-s3cret")).statusCode());
        assertEquals(200, live.get("/api/v1/repos", "Authorization", "Bearer deploy-t0ken").statusCode());
        assertEquals(401, live.get("/metrics").statusCode(), "closed by default when principals exist");
        assertEquals(401, live.get("/").statusCode());
        assertEquals(200, live.get("/metrics", "Authorization", "Bearer deploy-t0ken").statusCode());
        assertEquals(200, live.get("/health").statusCode());
        assertEquals(200, live.get("/ready").statusCode());
        assertEquals(403, live.get("/shop/default", "Authorization", "Bearer deploy-t0ken").statusCode(), "admin alone reads nothing");
        String diff = "/api/v1/repos/repo/diff?from=main&to=main&app=shop";
        assertEquals(403, live.get(diff, "Authorization", "Bearer deploy-t0ken").statusCode(), "a diff shows values: read scope too");
    }

    @Test
    void webSocket_patternsExpandOnlyToPermittedApps_forbiddenTargetKeepsTheConnection() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws", "Authorization: " + basic("shop-client", "shop-s3cret") + "\r\n", 0)) {
            c.sendText("{\"type\":\"subscribe\",\"patterns\":[\"*:*\"]}");
            c.sendText("{\"type\":\"subscribe\",\"patterns\":[\"billing:default\"]}");
            List<String> apps = new ArrayList<>();
            JsonNode err;
            // the hub answers in order: the pattern's snapshots come before the second subscribe's error
            for (JsonNode m = JSON.readTree(c.nextText()); ; m = JSON.readTree(c.nextText())) {
                if (m.path("type").asText().equals("config_snapshot")) {
                    apps.add(m.path("app").asText());
                } else if (m.path("type").asText().equals("error")) {
                    err = m;
                    break;
                }
            }
            assertTrue(apps.contains("shop") && apps.contains("shopfront"), apps.toString());
            assertFalse(apps.contains("billing") || apps.contains("application"), apps.toString());
            assertEquals("FORBIDDEN", err.path("code").asText(), err.toString());
            c.sendText("{\"type\":\"subscribe\",\"patterns\":[\"nosuch:default\"]}");
            JsonNode err2 = JSON.readTree(c.nextText());
            assertEquals("FORBIDDEN", err2.path("code").asText());
            assertEquals(err.path("message").asText().replace("billing", "X"), err2.path("message").asText().replace("nosuch", "X"));
            c.sendText("{\"type\":\"subscribe\",\"patterns\":[\"shop:default\"]}");
            assertEquals("subscribed", JSON.readTree(c.nextText()).path("type").asText(), "the connection is kept");
        }
    }

    @Test
    void webSocket_wrongCredentials4401_sighupRemovingThePrincipalCloses4401() throws Exception {
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/billing/default?token=wrong")) {
            assertEquals(4401, c.awaitClose());
        }
        String before = Files.readString(principals);
        try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/billing/default", "Sec-WebSocket-Protocol: vortex.v1, token.watch-token\r\n", 0)) {
            assertEquals("config_snapshot", JSON.readTree(c.nextText()).path("type").asText());
            Files.writeString(principals, before.substring(0, before.indexOf("  - name: watcher")));
            live.daemon().reload();
            assertEquals(4401, c.awaitClose());
        } finally {
            Files.writeString(principals, before);
            live.daemon().reload();
        }
    }
}
