package dev.vortex.render;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vortex.ops.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;

/** Serialises Environments and merged views to the bytes Spring Cloud Config answers with. */
final class Views {

    private Views() {
    }

    /**
     * {@code {"name","profiles":[unsplit],"label","version","state":"","propertySources":[{"name","source"}]}};
     * with {@code origins} (the v2 media type) each value is Spring Cloud Config's
     * {@code PropertyValueDescriptor}, {@code {"value":…,"origin":"LINE:COLUMN"}}.
     */
    static byte[] environmentJson(Environment env, boolean origins) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.setCodec(Json.mapper());
            g.writeStartObject();
            g.writeStringField("name", env.name());
            g.writeArrayFieldStart("profiles");
            g.writeString(env.profiles());
            g.writeEndArray();
            g.writeStringField("label", env.label());
            g.writeStringField("version", env.version());
            g.writeStringField("state", "");
            g.writeArrayFieldStart("propertySources");
            for (Environment.PropertySource s : env.propertySources()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                if (origins) {
                    g.writeObjectFieldStart("source");
                    for (Map.Entry<String, Object> e : s.source().entrySet()) {
                        Origin origin = s.origins().get(e.getKey());
                        if (origin == null) {
                            g.writeObjectField(e.getKey(), e.getValue());
                        } else {
                            g.writeObjectFieldStart(e.getKey());
                            g.writeObjectField("value", e.getValue());
                            g.writeStringField("origin", origin.toString());
                            g.writeEndObject();
                        }
                    }
                    g.writeEndObject();
                } else {
                    g.writeObjectField("source", s.source());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] render(View view, Map<String, Object> flat) {
        return switch (view) {
            case PROPERTIES -> properties(flat);
            case JSON -> json(Merge.nested(flat));
            case YAML -> yaml(Merge.nested(flat));
        };
    }

    /** {@code key: value} lines, no trailing newline, as Spring prints them. */
    private static byte[] properties(Map<String, Object> flat) {
        StringBuilder sb = new StringBuilder(flat.size() * 40);
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(e.getKey()).append(": ").append(e.getValue());
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(Map<String, Object> nested) {
        try {
            return Json.mapper().writeValueAsBytes(nested);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Block YAML from SnakeYAML's defaults (lists at the parent's indent), like Spring's {@code dumpAsMap}. */
    private static byte[] yaml(Map<String, Object> nested) {
        Yaml yaml = new Yaml(new DumperOptions());
        String text;
        if (nested.size() == 1 && nested.containsKey("document")) {
            // a file that is a bare scalar or list: Spring strips the "document" key it added
            Object value = nested.get("document");
            text = yaml.dumpAs(value, value instanceof Collection ? Tag.SEQ : Tag.STR, DumperOptions.FlowStyle.BLOCK);
        } else {
            text = yaml.dumpAsMap(nested);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
