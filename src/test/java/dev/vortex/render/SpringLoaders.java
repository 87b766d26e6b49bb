package dev.vortex.render;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The two sides of the differential test as comparable text: Spring Boot's own loaders (the
 * oracle) and vortexd's parsers, each giving per document the lines {@code key = Type value @L:C}.
 */
final class SpringLoaders {
    private SpringLoaders() {
    }

    /** What a loader made of a file: its documents, or the exception it threw. */
    record Outcome(List<List<String>> documents, String failure, boolean inFlattening) {
        boolean failed() {
            return failure != null;
        }

        @Override
        public String toString() {
            return failed() ? "FAILED " + failure : String.valueOf(documents);
        }
    }

    static Outcome spring(byte[] bytes, boolean yaml) {
        List<PropertySource<?>> sources;
        try {
            ByteArrayResource resource = new ByteArrayResource(bytes);
            sources = yaml ? new YamlPropertySourceLoader().load("x", resource)
                    : new PropertiesPropertySourceLoader().load("x", resource);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return new Outcome(null, e.toString(), flattening(e));
        }
        List<List<String>> out = new ArrayList<>();
        for (PropertySource<?> s : sources) {
            List<String> lines = new ArrayList<>();
            ((Map<?, ?>) s.getSource()).forEach((k, v) -> {
                Object value = v instanceof OriginTrackedValue t ? t.getValue() : v;
                String origin = v instanceof OriginTrackedValue t && t.getOrigin() instanceof TextResourceOrigin o
                        ? o.getLocation().toString() : "-";
                lines.add(line(String.valueOf(k), value, origin));
            });
            out.add(lines);
        }
        return new Outcome(out, null, false);
    }

    static Outcome vortex(byte[] bytes, boolean yaml) {
        ParseResult r = yaml ? YamlParser.parse(bytes) : PropertiesParser.parse(bytes);
        if (r instanceof ParseResult.Failed f) {
            return new Outcome(null, "line " + f.line() + ": " + f.message(), false);
        }
        List<List<String>> out = new ArrayList<>();
        for (Document d : ((ParseResult.Parsed) r).documents()) {
            List<String> lines = new ArrayList<>();
            d.source().forEach((k, v) -> {
                Origin o = d.origins().get(k);
                lines.add(line(k, v, o == null ? "-" : o.toString()));
            });
            out.add(lines);
        }
        return new Outcome(out, null, false);
    }

    /**
     * Spring's {@code YamlProcessor} casts every key of a map inside a list to String, and calls
     * {@code toString()} on every key: a null key, or a non-string key in a list, throws there.
     */
    private static boolean flattening(Throwable e) {
        if (!(e instanceof NullPointerException || e instanceof ClassCastException)) {
            return false;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals("org.springframework.beans.factory.config.YamlProcessor")) {
                return true;
            }
        }
        return false;
    }

    private static String line(String key, Object value, String origin) {
        String type = value == null ? "null" : value.getClass().getSimpleName();
        return key + " = " + type + " " + (value instanceof CharSequence cs ? escape(cs.toString()) : value) + " @" + origin;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
