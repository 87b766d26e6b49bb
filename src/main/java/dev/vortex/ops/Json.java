package dev.vortex.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process's one Jackson mapper (default settings, never changed, so shared safely; only its
 * buffers are recycled through one pool for the process, not one per thread: a request runs on a new
 * virtual thread, which found no buffers of its own, so each answer allocated Jackson's ~24 KiB
 * afresh, an eighth of what the daemon allocated while it re-rendered a monorepo). Making it and
 * its first serializers is ~100 ms in the interpreter (date formats, locale data, the type factory):
 * the daemon does it ({@link #prepare}) on a thread of its own once it listens, as the probes answer
 * without it ({@link JsonText}); as there is one mapper, not one per package, that warms what the REST
 * API, the WebSocket messages, webhooks and {@code state.json} use.
 */
public final class Json {
    private Json() {
    }

    /** Sets of buffers kept for reuse: more than answers in progress at once, bar a few parked ones. */
    static final int BUFFER_SETS = 4 * Runtime.getRuntime().availableProcessors();

    private static final class Made {
        // bounded: threads that park while serializing (a serializer's first lookup locks) each take a set,
        // and an unbounded pool would keep them all for good
        static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.newBoundedPool(BUFFER_SETS)).build());
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
