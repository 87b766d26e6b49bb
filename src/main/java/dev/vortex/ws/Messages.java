package dev.vortex.ws;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.ops.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Builds the server messages of PROTOCOL.md: every one with {@code "v":1}, a {@code type}, a
 * unique {@code id} and an RFC 3339 UTC {@code timestamp}.
 */
final class Messages {
    private static final byte[] CLOSE = {'}'};

    private final InstantSource clock;
    private final Supplier<String> replica;
    // the last second formatted, without its 'Z': the messages of a change fall within a few seconds
    private volatile Second second = new Second(Long.MIN_VALUE, "");

    private record Second(long epochSecond, String text) {
    }

    Messages(InstantSource clock) {
        this(clock, () -> "");
    }

    /** @param replica the id of this replica, named in every message (when not empty) */
    Messages(InstantSource clock, Supplier<String> replica) {
        this.clock = clock;
        this.replica = replica;
    }

    /** The configuration as a JSON object, serialized once per channel version and spliced into snapshots. */
    static String configJson(Map<String, Object> config) {
        try {
            return Json.mapper().writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a configuration", e);
        }
    }

    /** The configuration goes last, spliced in between the envelope and its closing brace. */
    Frame snapshot(Target t, String version, Frame.Part configJson) {
        return snapshot(t, version, configJson, false);
    }

    /** A snapshot marked {@code "reset": true}: the client's commit is unknown here, this replaces its configuration. */
    Frame resetSnapshot(Target t, String version, Frame.Part configJson) {
        return snapshot(t, version, configJson, true);
    }

    // the envelope written out as config_change is (a snapshot is sent for each change to a session that is behind)
    private Frame snapshot(Target t, String version, Frame.Part configJson, boolean reset) {
        ByteArrayBuilder out = head("config_snapshot", 256);
        target(out, t);
        field(out, "version", version);
        if (reset) {
            ascii(out, ",\"reset\":true");
        }
        ascii(out, ",\"config\":");
        return Frame.spliced("config_snapshot", out.toByteArray(), configJson, CLOSE);
    }

    Frame change(Target t, String oldVersion, String newVersion, JsonNode diff) {
        return change(t, oldVersion, newVersion, diffJson(diff), null);
    }

    /**
     * A diff (RFC 6902 patch) as JSON: serialized once for every message that carries it, a channel's
     * and the changes-only subscribers' {@code config_change} of the same target.
     */
    static String diffJson(JsonNode diff) {
        try {
            return Json.mapper().writeValueAsString(diff);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a diff", e);
        }
    }

    /**
     * A change ({@code diffJson} from {@link #diffJson}); to a changes-only subscription ({@code previous}
     * not null) also the previous values of the keys it replaces or removes. Written out byte by byte,
     * the same bytes a {@link JsonGenerator} writes: a change to a file every application reads makes
     * 40,000 of these, and a generator each was a quarter of rendering them.
     */
    Frame change(Target t, String oldVersion, String newVersion, String diffJson, Map<String, Object> previous) {
        ByteArrayBuilder out = head("config_change", 320 + diffJson.length());
        target(out, t);
        field(out, "old_version", oldVersion);
        field(out, "new_version", newVersion);
        ascii(out, ",\"diff\":");
        out.write(diffJson.getBytes(StandardCharsets.UTF_8));
        if (previous != null) {
            ascii(out, ",\"previous\":");
            try {
                out.write(Json.mapper().writeValueAsBytes(previous));
            } catch (IOException e) {
                throw new UncheckedIOException("serializing a config_change message", e);
            }
        }
        out.append('}');
        return Frame.text("config_change", out.toByteArray());
    }

    // {"v":1,"type":…,"id":…,"timestamp":…[,"replica":…]: how every message begins, with room for {@code size} bytes
    private ByteArrayBuilder head(String type, int size) {
        ByteArrayBuilder out = new ByteArrayBuilder(size);
        ascii(out, "{\"v\":1,\"type\":\"");
        ascii(out, type);
        ascii(out, "\",\"id\":\"");
        ascii(out, id());
        ascii(out, "\",\"timestamp\":\"");
        ascii(out, timestamp());
        out.append('"');
        String from = replica.get();
        if (!from.isEmpty()) {
            field(out, "replica", from);
        }
        return out;
    }

    private static void target(ByteArrayBuilder out, Target t) {
        field(out, "app", t.app());
        field(out, "profile", t.profile());
        field(out, "label", t.label());
    }

    // ,"name":"value" — the value escaped as JSON strings are (null: null)
    private static void field(ByteArrayBuilder out, String name, String value) {
        out.append(',');
        out.append('"');
        ascii(out, name);
        ascii(out, "\":");
        if (value == null) {
            ascii(out, "null");
            return;
        }
        out.append('"');
        out.write(plain(value) ? value.getBytes(StandardCharsets.US_ASCII) : JsonStringEncoder.getInstance().quoteAsUTF8(value));
        out.append('"');
    }

    // printable ASCII but the quote and the backslash: written as it is (names and commit ids always are)
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static void ascii(ByteArrayBuilder out, String text) {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    Frame error(String code, String message) {
        return Frame.text("error", write("error", g -> {
            g.writeStringField("code", code);
            g.writeStringField("message", message);
        }));
    }

    /** {@code subscribed} or {@code unsubscribed}, listing the session's patterns after the change. */
    Frame patterns(String type, List<String> patterns) {
        return Frame.text(type, write(type, g -> {
            g.writeArrayFieldStart("patterns");
            for (String p : patterns) {
                g.writeString(p);
            }
            g.writeEndArray();
        }));
    }

    /**
     * Now as {@link DateTimeFormatter#ISO_INSTANT} writes it (a fraction of 3, 6 or 9 digits, none on
     * a whole second), the date and time of day formatted once a second rather than once a message.
     */
    private String timestamp() {
        Instant now = clock.instant();
        Second s = second;
        if (s.epochSecond() != now.getEpochSecond()) {
            String whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(now.getEpochSecond()));
            s = new Second(now.getEpochSecond(), whole.substring(0, whole.length() - 1));
            second = s;
        }
        int nanos = now.getNano();
        if (nanos == 0) {
            return s.text() + "Z";
        }
        String fraction = Integer.toString(1_000_000_000 + nanos).substring(1);
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        return s.text() + "." + fraction.substring(0, digits) + "Z";
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: unique enough to tell messages apart,
     * and not the one SecureRandom every thread queues on (a 20,000-target change makes 40,000 ids).
     */
    private static String id() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    // the envelope from head(), then the body's fields as a generator writes them (UTF-8 straight into bytes)
    private byte[] write(String type, Body body) {
        ByteArrayBuilder fields = new ByteArrayBuilder(256);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(fields, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a " + type + " message", e);
        }
        byte[] object = fields.toByteArray(); // {"a":…,"b":…}: its members go after the envelope's
        ByteArrayBuilder out = head(type, 256 + object.length);
        if (object.length > 2) {
            out.append(',');
        }
        out.write(object, 1, object.length - 1);
        return out.toByteArray();
    }
}
