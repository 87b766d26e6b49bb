package dev.vortex.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vortex.config.Names;
import dev.vortex.ops.Json;
import java.util.ArrayList;
import java.util.List;

/** A client message, parsed; anything the server cannot accept becomes {@link Bad}. */
sealed interface Inbound {

    /**
     * @param snapshots   false: changes only, no snapshot now or later (dashboards, auditors, the status page)
     * @param lastVersion the commit the client holds (optional; null when not given)
     */
    record Subscribe(List<String> patterns, boolean snapshots, String lastVersion) implements Inbound {
        Subscribe(List<String> patterns) {
            this(patterns, true, null);
        }
    }

    record Unsubscribe(List<String> patterns) implements Inbound {
    }

    /**
     * @param lastVersion the commit the client holds
     * @param pattern     the one subscription to resync, or null for all of the session's
     */
    record Resync(String lastVersion, TargetPattern pattern, String text) implements Inbound {
    }

    record Pong() implements Inbound {
    }

    /** Not JSON, not an object, unknown type or missing fields: answered with {@code error}. */
    record Bad(String code, String message) implements Inbound {
    }

    static Inbound parse(String text) {
        JsonNode m;
        try {
            m = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return new Bad("BAD_MESSAGE", "not JSON: " + e.getOriginalMessage());
        }
        if (m == null || !m.isObject()) {
            return new Bad("BAD_MESSAGE", "a message must be a JSON object");
        }
        JsonNode type = m.get("type");
        if (type == null || !type.isTextual()) {
            return new Bad("BAD_MESSAGE", "a message needs a string \"type\"");
        }
        return switch (type.asText()) {
            case "subscribe" -> subscribe(m);
            case "unsubscribe" -> patterns("unsubscribe", m.get("patterns"));
            case "resync" -> resync(m);
            case "pong" -> new Pong();
            default -> new Bad("BAD_MESSAGE", "unknown message type '" + Names.printable(type.asText()) + "'");
        };
    }

    private static Inbound subscribe(JsonNode m) {
        JsonNode snapshots = m.get("snapshots");
        if (snapshots != null && !snapshots.isBoolean()) {
            return new Bad("BAD_MESSAGE", "\"snapshots\" is true (the default) or false (changes only)");
        }
        JsonNode version = m.get("last_version");
        if (version != null && !version.isNull() && (!version.isTextual() || Names.checkPart("last_version", version.asText(), false).isPresent())) {
            return new Bad("BAD_MESSAGE", "subscribe \"last_version\" must be a commit id");
        }
        String last = version == null || version.isNull() ? null : version.asText();
        Inbound parsed = patterns("subscribe", m.get("patterns"));
        return parsed instanceof Subscribe sub ? new Subscribe(sub.patterns(), snapshots == null || snapshots.asBoolean(), last) : parsed;
    }

    private static Inbound patterns(String type, JsonNode list) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            return new Bad("BAD_MESSAGE", type + " needs a non-empty \"patterns\" array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode p : list) {
            if (!p.isTextual()) {
                return new Bad("BAD_PATTERN", "every pattern must be a string");
            }
            out.add(p.asText());
        }
        return type.equals("subscribe") ? new Subscribe(List.copyOf(out)) : new Unsubscribe(List.copyOf(out));
    }

    private static Inbound resync(JsonNode m) {
        JsonNode v = m.get("last_version");
        if (v == null || !v.isTextual() || Names.checkPart("last_version", v.asText(), false).isPresent()) {
            return new Bad("BAD_MESSAGE", "resync needs \"last_version\": a commit id");
        }
        String app = text(m, "app");
        String profile = text(m, "profile");
        String label = text(m, "label");
        if (app == null && profile == null && label == null) {
            return new Resync(v.asText(), null, null);
        }
        if (app == null || profile == null) {
            return new Bad("BAD_MESSAGE", "resync names a subscription with both \"app\" and \"profile\" (and optionally \"label\")");
        }
        String l = label == null ? null : Names.decodeLabel(label);
        try {
            TargetPattern p = TargetPattern.of(app, profile, l);
            if (!p.concrete()) {
                return new Bad("BAD_MESSAGE", "resync names one subscription; '*' is not allowed");
            }
            return new Resync(v.asText(), p, app + ":" + profile + (label == null ? "" : ":" + label));
        } catch (IllegalArgumentException e) {
            return new Bad("BAD_MESSAGE", e.getMessage());
        }
    }

    private static String text(JsonNode m, String field) {
        JsonNode n = m.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
