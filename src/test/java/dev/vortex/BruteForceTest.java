package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.RawWebSocket;
import dev.vortex.testing.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ten wrong credentials from one address within a minute: 429 with Retry-After, on HTTP and WebSocket alike (the clock-driven expiry is in AttemptLimiterTest). */
class BruteForceTest {
    @TempDir
    Path tmp;

    @Test
    void tenWrongAttempts_thenEvenTheRightPassword429_andWebSocketRefused() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("shop.yml", "a: 1\n");
        repo.commit("c");
        Path principals = Files.writeString(tmp.resolve("p.yml"), """
                principals:
                  - {name: shop, password: right, scopes: ["read:shop", "watch:shop"]}
                """);
        try (LiveDaemon live = LiveDaemon.start(tmp, repo, "--auth.principals-file=" + principals)) {
            assertEquals(200, live.get("/shop/default", "Authorization", ScopedAccessTest.basic("shop", "right")).statusCode());
            for (int i = 0; i < 10; i++) {
                assertEquals(401, live.get("/shop/default", "Authorization", ScopedAccessTest.basic("shop", "wrong" + i)).statusCode());
            }
            HttpResponse<String> r = live.get("/shop/default", "Authorization", ScopedAccessTest.basic("shop", "right"));
            assertEquals(429, r.statusCode());
            long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            assertEquals(429, new ObjectMapper().readTree(r.body()).path("status").asInt());
            assertEquals(200, live.get("/health").statusCode(), "open paths stay open");
            try (RawWebSocket c = RawWebSocket.connect(live.wsPort(), "/ws/shop/default",
                    "Authorization: " + ScopedAccessTest.basic("shop", "right") + "\r\n", 0)) {
                assertTrue(c.nextText().contains("TOO_MANY_ATTEMPTS"));
                assertEquals(1013, c.awaitClose());
            }
        }
    }
}
