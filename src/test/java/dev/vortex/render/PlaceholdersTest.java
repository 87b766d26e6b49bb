package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    private static final Map<String, Object> VALUES = Map.of(
            "name", "world",
            "greeting", "Hello ${name}",
            "port", 8080,
            "a", "${b}",
            "b", "${a}",
            "self", "x${self}",
            "which", "name",
            "empty", "");

    private static String resolve(String text) {
        return Placeholders.resolve(text, VALUES::get);
    }

    @Test
    void simpleAndRecursiveValues_resolve() {
        assertEquals("say Hello world", resolve("say ${greeting}"));
        assertEquals("port 8080", resolve("port ${port}"));
    }

    @Test
    void unresolvable_leftAsWritten() {
        assertEquals("x ${missing} y", resolve("x ${missing} y"));
        assertEquals("${missing.${name}}", resolve("${missing.${name}}"));
    }

    @Test
    void defaults_usedOnlyWhenMissing() {
        assertEquals("fallback", resolve("${missing:fallback}"));
        assertEquals("world", resolve("${name:fallback}"));
        assertEquals("", resolve("${empty:fallback}"), "an empty value is a value");
        assertEquals("a:b", resolve("${missing:a:b}"));
        assertEquals("world", resolve("${missing:${name}}"));
        assertEquals("", resolve("${missing:}"));
    }

    @Test
    void nestedKeys_resolveFirst() {
        assertEquals("world", resolve("${${which}}"));
    }

    @Test
    void circularReferences_leftAsWrittenWithoutLooping() {
        assertEquals("${b}", resolve("${b}"), "b → a → b: the repeated one stays");
        assertEquals("x${self}", resolve("${self}"));
    }

    @Test
    void escapedDollar_isLiteral() {
        assertEquals("${name} and world", resolve("\\${name} and ${name}"));
    }

    @Test
    void unclosed_leftAsWritten() {
        assertEquals("${name", resolve("${name"));
        assertEquals("cost $5", resolve("cost $5"));
    }
}
