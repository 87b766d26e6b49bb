package dev.vortex.ws;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.ops.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
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
    static byte[] configJson(Map<String, Object> config) {
        return json(config, "a configuration");
    }

    // UTF-8 straight into bytes: what goes into a message is never needed as a String
    private static byte[] json(Object value, String what) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing " + what, e);
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
        MessageBytes out = head("config_snapshot");
        target(out, t);
        field(out, "version", version);
        if (reset) {
            out.ascii(",\"reset\":true");
        }
        out.ascii(",\"config\":");
        return Frame.spliced("config_snapshot", out, configJson, CLOSE);
    }

    Frame change(Target t, String oldVersion, String newVersion, JsonNode diff) {
        return change(t, oldVersion, newVersion, diffJson(diff), null);
    }

    /**
     * A diff (RFC 6902 patch) as JSON: serialized once for every message that carries it, a channel's
     * and the changes-only subscribers' {@code config_change} of the same target.
     */
    static byte[] diffJson(JsonNode diff) {
        return json(diff, "a diff");
    }

    /** The {@code previous} values of a changes-only {@code config_change}, as JSON. */
    static byte[] previousJson(Map<String, Object> previous) {
        return json(previous, "a config_change message");
    }

    /**
     * A change ({@code diffJson} from {@link #diffJson}); to a changes-only subscription ({@code previous}
     * not null, from {@link #previousJson}) also the previous values of the keys it replaces or removes.
     * Written out byte by byte into the thread's {@link MessageBytes}, the same bytes a {@link JsonGenerator}
     * writes, and copied once, into the frame: a change to a file every application reads makes 40,000 of
     * these (a generator each was a quarter of rendering them; a builder, its copies and the id's and
     * timestamp's strings were 1.7 KB a message).
     */
    Frame change(Target t, String oldVersion, String newVersion, byte[] diffJson, byte[] previous) {
        MessageBytes out = head("config_change");
        target(out, t);
        field(out, "old_version", oldVersion);
        field(out, "new_version", newVersion);
        out.ascii(",\"diff\":").write(diffJson);
        if (previous != null) {
            out.ascii(",\"previous\":").write(previous);
        }
        out.write('}');
        return Frame.text("config_change", out);
    }

    // {"v":1,"type":…,"id":…,"timestamp":…[,"replica":…]: how every message begins
    private MessageBytes head(String type) {
        MessageBytes out = MessageBytes.empty();
        out.ascii("{\"v\":1,\"type\":\"").ascii(type).ascii("\",\"id\":\"");
        id(out);
        out.ascii("\",\"timestamp\":\"");
        timestamp(out);
        out.write('"');
        String from = replica.get();
        if (!from.isEmpty()) {
            field(out, "replica", from);
        }
        return out;
    }

    private static void target(MessageBytes out, Target t) {
        field(out, "app", t.app());
        field(out, "profile", t.profile());
        field(out, "label", t.label());
    }

    // ,"name":"value" — the value escaped as JSON strings are (null: null)
    private static void field(MessageBytes out, String name, String value) {
        out.ascii(",\"").ascii(name).ascii("\":");
        if (value == null) {
            out.ascii("null");
        } else {
            out.string(value);
        }
    }

    Frame error(String code, String message) {
        return write("error", g -> {
            g.writeStringField("code", code);
            g.writeStringField("message", message);
        });
    }

    /** {@code subscribed} or {@code unsubscribed}, listing the session's patterns after the change. */
    Frame patterns(String type, List<String> patterns) {
        return write(type, g -> {
            g.writeArrayFieldStart("patterns");
            for (String p : patterns) {
                g.writeString(p);
            }
            g.writeEndArray();
        });
    }

    /**
     * Now as {@link DateTimeFormatter#ISO_INSTANT} writes it (a fraction of 3, 6 or 9 digits, none on
     * a whole second), the date and time of day formatted once a second rather than once a message.
     */
    private void timestamp(MessageBytes out) {
        Instant now = clock.instant();
        Second s = second;
        if (s.epochSecond() != now.getEpochSecond()) {
            String whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(now.getEpochSecond()));
            s = new Second(now.getEpochSecond(), whole.substring(0, whole.length() - 1));
            second = s;
        }
        out.ascii(s.text());
        int nanos = now.getNano();
        if (nanos != 0) {
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            out.write('.');
            out.digits(nanos / (digits == 3 ? 1_000_000 : digits == 6 ? 1_000 : 1), digits);
        }
        out.write('Z');
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}, as {@link java.util.UUID#toString} writes it:
     * unique enough to tell messages apart, and not the one SecureRandom every thread queues on (a
     * 20,000-target change makes 40,000 ids).
     */
    private static void id(MessageBytes out) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        out.hex(hi >>> 32, 8).write('-');
        out.hex(hi >>> 16, 4).write('-');
        out.hex(hi, 4).write('-');
        out.hex(lo >>> 48, 4).write('-');
        out.hex(lo, 12);
    }

    // the envelope from head(), then the body's fields as a generator writes them (UTF-8 straight into bytes)
    private Frame write(String type, Body body) {
        ByteArrayBuilder fields = new ByteArrayBuilder(256);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(fields, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a " + type + " message", e);
        }
        byte[] object = fields.toByteArray(); // {"a":…,"b":…}: its members go after the envelope's
        MessageBytes out = head(type);
        if (object.length > 2) {
            out.write(',');
        }
        out.write(object, 1, object.length - 1);
        return Frame.text(type, out);
    }
}
