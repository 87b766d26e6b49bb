package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config_change and config_snapshot written out by hand are what Jackson writes for the same fields, escapes and all. */
class MessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String payload(Frame f) {
        ByteBuffer wire = f.view();
        int len = wire.get(1) & 0x7f;
        int header = len == 126 ? 4 : len == 127 ? 10 : 2;
        byte[] out = new byte[wire.remaining() - header];
        wire.position(wire.position() + header).get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A message's envelope fields in Jackson's order, with the id and timestamp the message drew (and its target, if any). */
    private static Map<String, Object> envelope(JsonNode written, String type, String replica, Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("type", type);
        m.put("id", written.path("id").asText());
        m.put("timestamp", written.path("timestamp").asText());
        if (!replica.isEmpty()) {
            m.put("replica", replica);
        }
        if (t != null) {
            m.put("app", t.app());
            m.put("profile", t.profile());
            m.put("label", t.label());
        }
        return m;
    }

    /** What a JsonGenerator writes for the change, with the id and timestamp the message drew. */
    private static String jackson(JsonNode written, String replica, Target t, String from, String to, String diff,
                                  Map<String, Object> previous) throws Exception {
        Map<String, Object> m = envelope(written, "config_change", replica, t);
        m.put("old_version", from);
        m.put("new_version", to);
        m.put("diff", JSON.readTree(diff));
        if (previous != null) {
            m.put("previous", previous);
        }
        return JSON.writeValueAsString(m);
    }

    @Test
    void change_isWhatJacksonWrites_withAndWithoutPreviousAndReplica() throws Exception {
        String diff = "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":\"x\\\"y\"},{\"op\":\"add\",\"path\":\"/n\",\"value\":5}]";
        Map<String, Object> previous = new LinkedHashMap<>();
        previous.put("a/b", "line\nbreak \"quoted\" \\ é ✓");
        previous.put("n", 7L);
        previous.put("flag", true);
        previous.put("ratio", 0.25);
        Target plain = new Target("shop", "prod", "main");
        Target odd = new Target("caf\u00e9\"\\", "p\u0001", "release/1.0");
        for (String replica : List.of("", "r-1\"x")) {
            Messages messages = new Messages(InstantSource.system(), () -> replica);
            for (Target t : List.of(plain, odd)) {
                for (Map<String, Object> prev : java.util.Arrays.asList(previous, null)) {
                    String got = payload(messages.change(t, "1a2b", "3c4d", diff.getBytes(StandardCharsets.UTF_8),
                            prev == null ? null : Messages.previousJson(prev)));
                    assertEquals(jackson(JSON.readTree(got), replica, t, "1a2b", "3c4d", diff, prev), got);
                }
            }
        }
    }

    @Test
    void errorAndPatterns_areWhatJacksonWrites() throws Exception {
        for (String replica : List.of("", "r-1\"x")) {
            Messages messages = new Messages(InstantSource.system(), () -> replica);
            String got = payload(messages.error("BAD_MESSAGE", "not \"JSON\" \u00e9\n"));
            Map<String, Object> m = envelope(JSON.readTree(got), "error", replica, null);
            m.put("code", "BAD_MESSAGE");
            m.put("message", "not \"JSON\" \u00e9\n");
            assertEquals(JSON.writeValueAsString(m), got);
            for (List<String> patterns : List.of(List.<String>of(), List.of("shop:*", "caf\u00e9:prod"))) {
                got = payload(messages.patterns("subscribed", patterns));
                m = envelope(JSON.readTree(got), "subscribed", replica, null);
                m.put("patterns", patterns);
                assertEquals(JSON.writeValueAsString(m), got);
            }
        }
    }

    @Test
    void snapshot_isWhatJacksonWrites_plainAndReset() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("a.b", "x \"y\" é");
        config.put("n", 5);
        Frame.Part json = new Frame.Part(Messages.configJson(config));
        for (String replica : List.of("", "r-1")) {
            Messages messages = new Messages(InstantSource.system(), () -> replica);
            for (Target t : List.of(new Target("shop", "prod", "main"), new Target("caf\u00e9\"", "p", "release/1.0"))) {
                for (boolean reset : List.of(false, true)) {
                    String got = payload(reset ? messages.resetSnapshot(t, "9f2c", json) : messages.snapshot(t, "9f2c", json));
                    JsonNode written = JSON.readTree(got);
                    Map<String, Object> m = envelope(written, "config_snapshot", replica, t);
                    m.put("version", "9f2c");
                    if (reset) {
                        m.put("reset", true);
                    }
                    m.put("config", config);
                    assertEquals(JSON.writeValueAsString(m), got);
                }
            }
        }
    }

    @Test
    void change_ofAnyLength_isWhatJacksonWrites_whileTheThreadsBufferGrowsAndIsDropped() throws Exception {
        Messages messages = new Messages(InstantSource.system());
        Target t = new Target("shop", "prod", "main");
        for (int size : new int[] {0, 600, 200_000, 10}) {
            String diff = "[{\"op\":\"add\",\"path\":\"/k\",\"value\":\"" + "x".repeat(size) + "\"}]";
            String got = payload(messages.change(t, "1", "2", diff.getBytes(StandardCharsets.UTF_8), null));
            assertEquals(jackson(JSON.readTree(got), "", t, "1", "2", diff, null), got);
        }
    }

    @Test
    void ids_areRandomVersion4Uuids_asUuidWritesThem() throws Exception {
        Messages messages = new Messages(InstantSource.system());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = JSON.readTree(payload(messages.error("X", "y"))).path("id").asText();
            java.util.UUID parsed = java.util.UUID.fromString(id);
            assertEquals(parsed.toString(), id);
            assertEquals(4, parsed.version());
            assertEquals(2, parsed.variant());
            assertTrue(seen.add(id), id);
        }
    }

    @Test
    void timestamp_isIsoInstant_atEveryPrecision() throws Exception {
        for (String at : List.of("2026-12-03T10:10:05Z", "2026-12-03T10:10:05.100Z", "2026-12-03T10:10:05.000001Z",
                "2026-12-03T10:10:05.120300Z", "2026-12-03T10:10:05.000000009Z", "2026-12-03T10:10:06.999999999Z",
                "1970-01-01T00:00:00Z")) {
            Instant now = Instant.parse(at);
            Messages messages = new Messages(() -> now);
            String expected = DateTimeFormatter.ISO_INSTANT.format(now);
            assertEquals(expected, JSON.readTree(payload(messages.change(new Target("a", "b", "c"), "1", "2", new byte[] {'[', ']'}, null)))
                    .path("timestamp").asText());
            assertEquals(expected, JSON.readTree(payload(messages.error("X", "y"))).path("timestamp").asText());
        }
    }
}
