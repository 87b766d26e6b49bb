package dev.vortex.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process's one Jackson mapper (default settings, never changed, so shared safely). Making it and
 * its first serializers is ~100 ms in the interpreter (date formats, locale data, the type factory):
 * the daemon does it ({@link #prepare}) on a thread of its own once it listens, as the probes answer
 * without it ({@link JsonText}); as there is one mapper, not one per package, that warms what the REST
 * API, the WebSocket messages, webhooks and {@code state.json} use.
 */
public final class Json {
    private Json() {
    }

    private static final class Made {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    public static ObjectMapper mapper() {
        return Made.MAPPER;
    }

    /** Makes the mapper and its serializers of maps, lists, strings and booleans, what most answers are made of. */
    public static void prepare() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", true);
        body.put("waiting", List.of(new LinkedHashMap<>(Map.of("repo", "r"))));
        body.put("stale_repos", List.of(Map.of("reasons", List.of("r"))));
        try {
            mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
