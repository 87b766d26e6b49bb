package dev.vortex.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.testing.Http;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two whole daemons in this JVM on loopback, each the other's peer, talking real HTTP. */
class PeerForwardingTest {
    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String webhook(TestRepo repo, String commit) {
        return "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\",\"repository\":{\"name\":\"" + repo.dir().getFileName()
                + "\",\"clone_url\":\"" + repo.url() + "\"}}";
    }

    private static HttpResponse<String> post(int port, String path, String body) {
        return new Http(port).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void webhookToOneReplica_reachesTheOther_once_andNeitherGoesStale() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("cfg")).write("application.yml", "greeting: one\n");
        repo.commit("one");
        Path secret = Files.writeString(tmp.resolve("secret"), "0123456789abcdef0123456789\n");
        int portA = freePort();
        int portB = freePort();
        // peers list both replicas, as one shared configuration would: each skips itself
        String peers = "--cluster.peers=http://127.0.0.1:" + portA + ",http://127.0.0.1:" + portB;
        try (LiveDaemon a = LiveDaemon.start(tmp.resolve("a"), repo, "--http.port=" + portA, peers, "--auth.cluster-secret-file=" + secret,
                "--sync.interval=1h", "--cluster.replica-id=replica-a");
             LiveDaemon b = LiveDaemon.start(tmp.resolve("b"), repo, "--http.port=" + portB, peers, "--auth.cluster-secret-file=" + secret,
                     "--sync.interval=1h", "--cluster.replica-id=replica-b")) {
            String two = repo.write("application.yml", "greeting: two\n").commit("two");
            HttpResponse<String> hook = post(a.httpPort(), "/monitor", webhook(repo, two));
            assertEquals(202, hook.statusCode(), hook.body());
            // b's timer is an hour away: only the forwarded notice brings it there
            await().atMost(Duration.ofSeconds(15)).until(() -> new Http(portB).version("application", "default").equals(two));
            assertEquals(two, new Http(portA).version("application", "default"));
            assertTrue(b.metric("vortex_cluster_notices_received_total{result=\"accepted\"}") >= 1.0);

            JsonNode clusterA = new Http(portA).json("/api/v1/cluster");
            assertEquals("replica-a", clusterA.path("replica").asText());
            assertEquals(1, clusterA.path("peers").size(), clusterA.toString());
            assertEquals("http://127.0.0.1:" + portB, clusterA.path("peers").get(0).path("url").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> new Http(portA).json("/api/v1/cluster").path("peers").get(0)
                    .path("state").asText().equals("ok"));
            // b heard what a serves (the push notice carries it), with the relation as b's mirror sees it
            JsonNode clusterB = new Http(portB).json("/api/v1/cluster");
            JsonNode fromA = clusterB.path("replicas").get(0);
            assertEquals("replica-a", fromA.path("replica").asText(), clusterB.toString());
            String repoName = repo.dir().getFileName().toString();
            assertTrue(fromA.path("serves").path(repoName).path("main").path("commit").asText().matches("[0-9a-f]{40}"), clusterB.toString());

            JsonNode ready = new Http(portB).json("/ready");
            assertTrue(ready.path("ready").asBoolean(), ready.toString());
            assertFalse(ready.path("stale").asBoolean(), ready.toString());
            assertFalse(new Http(portB).json("/api/v1/repos").path("repos").get(0).path("stale").asBoolean());

            // a notice b got is never passed on: a's last run is its own webhook's, never a peer's
            assertEquals("webhook", new Http(portA).json("/api/v1/repos").path("repos").get(0).path("last_refresh").path("trigger").asText());
            assertEquals("peer", new Http(portB).json("/api/v1/repos").path("repos").get(0).path("last_refresh").path("trigger").asText());
        }
    }

    @Test
    void unreachablePeer_neverDelaysTheWebhookAnswer_andShowsFailing() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("cfg")).write("application.yml", "greeting: one\n");
        repo.commit("one");
        Path secret = Files.writeString(tmp.resolve("secret"), "0123456789abcdef0123456789\n");
        int nobody = freePort(); // nothing listens there
        try (LiveDaemon a = LiveDaemon.start(tmp.resolve("a"), repo, "--cluster.peers=http://127.0.0.1:" + nobody,
                "--auth.cluster-secret-file=" + secret, "--sync.interval=1h")) {
            String two = repo.write("application.yml", "greeting: two\n").commit("two");
            long t0 = System.nanoTime();
            HttpResponse<String> hook = post(a.httpPort(), "/monitor", webhook(repo, two));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(202, hook.statusCode(), hook.body());
            assertTrue(ms < 1000, "the webhook answer waited " + ms + " ms");
            await().atMost(Duration.ofSeconds(10)).until(() -> new Http(a.httpPort()).json("/api/v1/cluster").path("peers").get(0)
                    .path("state").asText().equals("failing"));
            JsonNode peer = new Http(a.httpPort()).json("/api/v1/cluster").path("peers").get(0);
            assertTrue(peer.path("last_error").path("message").asText().contains("Connect"), peer.toString());
            assertFalse(peer.path("next_retry").isNull(), peer.toString());
            assertTrue(a.metric("vortex_cluster_peers_failing") >= 1.0);
            await().atMost(Duration.ofSeconds(15)).until(() -> new Http(a.httpPort()).version("application", "default").equals(two));
        }
    }
}
