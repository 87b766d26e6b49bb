package dev.vortex.ws;

import dev.vortex.config.Names;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What a handshake asks for: the resource descriptor ({@code /ws/{app}/{profile}[/{label}]} or
 * {@code /ws}, with an optional {@code ?token=}) and the {@code Sec-WebSocket-Protocol} list,
 * where {@code token.T} carries a token. Parsing is pure so every refusal is unit-testable.
 */
sealed interface Connect {

    /**
     * An acceptable request.
     *
     * @param pattern the initial subscription, or null for {@code /ws}
     * @param text    how the initial subscription is listed back to the client
     * @param token   the presented token, or null
     */
    record Ok(TargetPattern pattern, String text, String token) implements Connect {
    }

    /** A malformed request (close 4400); the message is safe to send and log (no token in it). */
    record Bad(String message) implements Connect {
    }

    static Connect parse(String resourceDescriptor, String protocolHeader) {
        String rd = resourceDescriptor == null ? "" : resourceDescriptor;
        int q = rd.indexOf('?');
        String path = q < 0 ? rd : rd.substring(0, q);
        String token = null;
        if (q >= 0) {
            for (String pair : rd.substring(q + 1).split("&")) {
                if (pair.startsWith("token=")) {
                    token = decode(pair.substring("token=".length()));
                    if (token == null) {
                        return new Bad("malformed percent-encoding in the token parameter");
                    }
                }
            }
        }
        if (token == null && protocolHeader != null) {
            for (String p : protocolHeader.split(",")) {
                String s = p.trim();
                if (s.startsWith("token.")) {
                    token = s.substring("token.".length());
                }
            }
        }
        String[] seg = path.split("/", -1);
        if (seg.length < 2 || !seg[0].isEmpty() || !seg[1].equals("ws")) {
            return new Bad("unknown path '" + Names.printable(path) + "' (expected /ws or /ws/{app}/{profile}[/{label}])");
        }
        if (seg.length == 2 || (seg.length == 3 && seg[2].isEmpty())) {
            return new Ok(null, null, token);
        }
        if (seg.length != 4 && seg.length != 5) {
            return new Bad("unknown path '" + Names.printable(path) + "' (expected /ws or /ws/{app}/{profile}[/{label}])");
        }
        String app = decode(seg[2]);
        String profile = decode(seg[3]);
        String label = seg.length == 5 ? decode(seg[4]) : null;
        if (app == null || profile == null || (seg.length == 5 && label == null)) {
            return new Bad("malformed percent-encoding in path");
        }
        if (label != null) {
            label = Names.decodeLabel(label);
        }
        for (String part : new String[] {app, profile, label}) {
            if (part != null && part.indexOf('*') >= 0) {
                return new Bad("'*' is only allowed in subscribe patterns, not in the connect path");
            }
        }
        try {
            TargetPattern p = TargetPattern.of(app, profile, label);
            String text = app + ":" + profile + (label == null ? "" : ":" + label);
            return new Ok(p, text, token);
        } catch (IllegalArgumentException e) {
            return new Bad(e.getMessage());
        }
    }

    /** Percent-decoding where '+' stays a plus (a path, not a form); null when malformed. */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
