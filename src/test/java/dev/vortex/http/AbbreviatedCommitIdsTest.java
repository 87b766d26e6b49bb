package dev.vortex.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.TestRepo;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits named by a unique abbreviation (4+ hex digits, as git takes them) in the diff endpoint,
 * in configuration paths and in a WebSocket {@code resync}; an ambiguous abbreviation answers 400 naming every candidate. The
 * ambiguous pair is found by a birthday search: commits are generated on the branch until two
 * share their first four hex digits (a few hundred, expected ~320).
 */
class AbbreviatedCommitIdsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static LiveDaemon daemon;
    static String c1;
    static String c2;
    static List<String> twins;

    @BeforeAll
    static void start() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        c1 = repo.write("application.yml", "a: 1\n").write("demo-prod.yml", "p: x\n").commit("one");
        twins = chainUntilTwoSharePrefix(repo.dir(), c1);
        c2 = repo.write("application.yml", "a: 2\n").commit("two");
        daemon = LiveDaemon.start(tmp, repo);
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** Commits with c1's tree on top of c1 until two of them start with the same 4 hex digits; moves main to the last. */
    static List<String> chainUntilTwoSharePrefix(Path dir, String base) throws Exception {
        try (Repository git = new FileRepositoryBuilder().setGitDir(dir.resolve(".git").toFile()).build();
             ObjectInserter inserter = git.newObjectInserter();
             RevWalk walk = new RevWalk(git)) {
            ObjectId tree = walk.parseCommit(ObjectId.fromString(base)).getTree();
            Map<String, String> byPrefix = new HashMap<>();
            byPrefix.put(base.substring(0, 4), base);
            ObjectId parent = ObjectId.fromString(base);
            PersonIdent who = new PersonIdent("test", "test@example.invalid", Instant.ofEpochSecond(1_767_225_600L), ZoneOffset.UTC);
            for (int i = 0; i < 20_000; i++) {
                CommitBuilder c = new CommitBuilder();
                c.setTreeId(tree);
                c.setParentId(parent);
                c.setAuthor(who);
                c.setCommitter(who);
                c.setMessage("filler " + i + "\n");
                parent = inserter.insert(c);
                String earlier = byPrefix.putIfAbsent(parent.name().substring(0, 4), parent.name());
                if (earlier != null) {
                    inserter.flush();
                    RefUpdate u = git.updateRef("refs/heads/main");
                    u.setNewObjectId(parent);
                    u.setForceUpdate(true);
                    u.update();
                    return List.of(earlier, parent.name()).stream().sorted().toList();
                }
            }
            throw new AssertionError("no two of 20,000 commits share 4 hex digits");
        }
    }

    @Test
    void diff_takesUniqueAbbreviations() throws Exception {
        HttpResponse<String> r = daemon.get("/api/v1/repos/repo/diff?from=" + c1.substring(0, 7) + "&to=" + c2.substring(0, 12)
                + "&app=demo&profile=prod");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":2}]", r.body());
    }

    @Test
    void configurationPath_takesAUniqueAbbreviationAndAnswersTheFullId() throws Exception {
        HttpResponse<String> r = daemon.get("/demo/prod/" + c1.substring(0, 7));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode env = JSON.readTree(r.body());
        assertEquals(c1, env.get("version").asText());
        assertEquals(1, env.at("/propertySources/1/source/a").asInt(), r.body());
    }

    @Test
    void ambiguousAbbreviation_answers400NamingEveryCandidate() throws Exception {
        String prefix = twins.get(0).substring(0, 4);
        for (String path : List.of("/api/v1/repos/repo/diff?from=" + prefix + "&to=main&app=demo", "/demo/prod/" + prefix)) {
            HttpResponse<String> r = daemon.get(path);
            assertEquals(400, r.statusCode(), path + " → " + r.body());
            String message = JSON.readTree(r.body()).get("message").asText();
            assertEquals("commit id '" + prefix + "' is ambiguous in repository 'repo': it abbreviates "
                    + twins.get(0) + ", " + twins.get(1) + "; give more digits", message);
        }
        // one more digit than they share tells them apart
        int common = 4;
        while (twins.get(0).charAt(common) == twins.get(1).charAt(common)) {
            common++;
        }
        HttpResponse<String> r = daemon.get("/demo/prod/" + twins.get(1).substring(0, common + 1));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(twins.get(1), JSON.readTree(r.body()).get("version").asText());
    }

    @Test
    void webSocketResync_fromAnAbbreviatedVersion_sendsTheChangeFromThatCommit() throws Exception {
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocketClient ws = new WebSocketClient(URI.create("ws://127.0.0.1:" + daemon.wsPort() + "/ws/demo/prod")) {
            @Override public void onOpen(ServerHandshake h) { }
            @Override public void onMessage(String text) {
                try {
                    messages.add(JSON.readTree(text));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            @Override public void onClose(int code, String reason, boolean remote) { }
            @Override public void onError(Exception e) { }
        };
        try {
            assertTrue(ws.connectBlocking(20, TimeUnit.SECONDS));
            JsonNode snapshot = messages.poll(20, TimeUnit.SECONDS);
            assertEquals("config_snapshot", snapshot.get("type").asText());
            assertEquals(c2, snapshot.get("version").asText());
            ws.send("{\"type\":\"resync\",\"last_version\":\"" + c1.substring(0, 7) + "\",\"app\":\"demo\",\"profile\":\"prod\"}");
            JsonNode change = messages.poll(20, TimeUnit.SECONDS);
            assertEquals("config_change", change.get("type").asText(), String.valueOf(change));
            assertEquals(c2, change.get("new_version").asText());
            assertEquals("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":2}]", change.get("diff").toString());
        } finally {
            ws.closeBlocking();
        }
    }

    @Test
    void tooShortOrUnknownAbbreviation_answers404() throws Exception {
        String absent = c1.charAt(0) == 'f' ? "0000000" : "fffffff";
        for (String rev : List.of(c1.substring(0, 3), absent)) {
            HttpResponse<String> r = daemon.get("/api/v1/repos/repo/diff?from=" + rev + "&to=main&app=demo");
            assertEquals(404, r.statusCode(), rev + " → " + r.body());
            assertTrue(r.body().contains("commit '" + rev + "' not found"), r.body());
        }
    }
}
