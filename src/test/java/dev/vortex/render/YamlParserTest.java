package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class YamlParserTest {

    static List<Document> docs(String yaml) {
        ParseResult r = YamlParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
        return assertInstanceOf(ParseResult.Parsed.class, r, () -> r.toString()).documents();
    }

    static ParseResult.Failed failure(String yaml) {
        ParseResult r = YamlParser.parse(yaml.getBytes(StandardCharsets.UTF_8));
        return assertInstanceOf(ParseResult.Failed.class, r, () -> r.toString());
    }

    static Map<String, Object> flat(String yaml) {
        List<Document> d = docs(yaml);
        assertEquals(1, d.size());
        return d.get(0).source();
    }

    @Test
    void nestedMapsAndLists_flattenLikeSpring() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a.b.c", "x");
        expected.put("list[0]", "one");
        expected.put("list[1].host", "h");
        expected.put("list[1].port", 5432);
        expected.put("list[2][0]", "nested");
        expected.put("z", true);
        Map<String, Object> got = flat("""
                a:
                  b:
                    c: x
                list:
                  - one
                  - host: h
                    port: 5432
                  - [nested]
                z: true
                """);
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(got.entrySet()));
    }

    @Test
    void scalars_keepYamlTypes_nullBecomesEmptyString() {
        Map<String, Object> got = flat("""
                i: 42
                big: 12345678901
                f: 1.5
                yes-bool: true
                nothing: ~
                empty:
                quoted: '42'
                date: 2024-01-01
                """);
        assertEquals(42, got.get("i"));
        assertEquals(12345678901L, got.get("big"));
        assertEquals(1.5, got.get("f"));
        assertEquals(true, got.get("yes-bool"));
        assertEquals("", got.get("nothing"));
        assertEquals("", got.get("empty"));
        assertEquals("42", got.get("quoted"));
        assertEquals("2024-01-01", got.get("date"), "Spring Boot does not resolve timestamps");
    }

    @Test
    void nonStringKeys_becomeBracketed() {
        assertEquals(Map.of("ports[8080]", "http", "flags[true]", "on"), flat("""
                ports:
                  8080: http
                flags:
                  true: "on"
                """));
    }

    @Test
    void emptyList_isEmptyString_emptyMap_isNoKey_asInSpringBoot() {
        Map<String, Object> got = flat("""
                list: []
                map: {}
                items:
                  - {}
                  - []
                  - x
                """);
        assertEquals(List.of("list", "items[1]", "items[2]"), List.copyOf(got.keySet()));
        assertEquals("", got.get("list"));
        assertEquals("", got.get("items[1]"));
    }

    @Test
    void documentOfOnlyEmptyMaps_isStillADocument() {
        List<Document> d = docs("a: 1\n---\nb: {}\n---\n~\n");
        assertEquals(2, d.size(), "Spring counts the empty map, skips the null document");
        assertEquals(Map.of(), d.get(1).source());
    }

    @Test
    void nullKey_isServedAsBracketedNull() {
        assertEquals(Map.of("parent[null]", "x", "parent.b", "y"), flat("""
                parent:
                  ~: x
                  b: y
                """));
    }

    @Test
    void origins_areSpringsLineAndColumn_aliasesPointAtTheirAnchor() {
        Document d = docs("""
                a: &v 1
                b:
                  c: [x, []]
                d: *v
                e:
                """).get(0);
        assertEquals("1:4", d.origins().get("a").toString());
        assertEquals("3:7", d.origins().get("b.c[0]").toString());
        assertEquals("3:10", d.origins().get("b.c[1]").toString());
        assertEquals("1:4", d.origins().get("d").toString());
        assertEquals("5:3", d.origins().get("e").toString());
    }

    @Test
    void duplicateKey_onLine13_namesLine13() {
        String yaml = "x:\n" + IntStream.range(0, 11).mapToObj(i -> "  k" + i + ": v\n").collect(Collectors.joining())
                + "  k5: again\n";
        assertEquals(13, failure(yaml).line());
    }

    @Test
    void mergeKeys_andAliases_resolveLikeSnakeYaml() {
        Map<String, Object> got = flat("""
                defaults: &defaults
                  timeout: 5
                  retries: 3
                service:
                  <<: *defaults
                  retries: 7
                copy: *defaults
                """);
        assertEquals(5, got.get("service.timeout"));
        assertEquals(7, got.get("service.retries"));
        assertEquals(3, got.get("copy.retries"));
    }

    @Test
    void multiDocument_numbersNonEmptyDocuments_andReadsActivation() {
        List<Document> d = docs("""
                a: 1
                ---
                ---
                spring:
                  config:
                    activate:
                      on-profile: prod
                a: 2
                ---
                spring.profiles: dev
                a: 3
                """);
        assertEquals(3, d.size(), "the empty document is skipped");
        assertEquals(List.of(0, 1, 2), d.stream().map(Document::index).toList());
        assertTrue(d.get(0).activation().isEmpty());
        assertTrue(d.get(1).activeFor(List.of("prod")));
        assertTrue(!d.get(1).activeFor(List.of("dev")));
        assertTrue(d.get(2).activeFor(List.of("dev")), "legacy spring.profiles is accepted");
    }

    @Test
    void scalarDocument_isUnderDocumentKey() {
        assertEquals(Map.of("document", "just text"), flat("just text\n"));
    }

    @Test
    void emptyFile_hasNoDocuments() {
        assertEquals(List.of(), docs(""));
        assertEquals(List.of(), docs("# only a comment\n"));
    }

    @Test
    void duplicateKey_failsWithLine() {
        ParseResult.Failed f = failure("a: 1\nb: 2\na: 3\n");
        assertEquals(3, f.line());
        assertTrue(f.message().contains("duplicate key"), f.message());
    }

    @Test
    void malformedYaml_failsWithLine() {
        ParseResult.Failed f = failure("a: 1\nb: [unclosed\nc: 2\n");
        assertTrue(f.line() >= 2, "line " + f.line());
    }

    @Test
    void badIndentation_failsWithLine() {
        ParseResult.Failed f = failure("server:\n  port: 1\n bad: 2\n");
        assertEquals(3, f.line());
    }

    @Test
    void billionLaughs_namedErrorNotMemory() {
        StringBuilder sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            sb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                sb.append(i > 0 ? "," : "").append('*').append(p);
            }
            sb.append("]\n");
        }
        ParseResult.Failed f = failure(sb.toString());
        assertTrue(f.message().contains("aliases"), f.message());
    }

    @Test
    void aliasExpansion_underAliasLimit_namedError() {
        // 5 aliases per level, 9 levels: 45 aliases (under the limit) yet 5^9 × 10 leaves
        StringBuilder sb = new StringBuilder("l0: &l0 [1,2,3,4,5,6,7,8,9,10]\n");
        for (int level = 1; level <= 9; level++) {
            sb.append("l").append(level).append(": &l").append(level).append(" [");
            for (int i = 0; i < 5; i++) {
                sb.append(i > 0 ? "," : "").append("*l").append(level - 1);
            }
            sb.append("]\n");
        }
        ParseResult.Failed f = failure(sb.toString());
        assertTrue(f.message().contains("more than " + YamlParser.MAX_KEYS + " keys"), f.message());
    }

    @Test
    void deepNesting_namedError() {
        String deep = "a: " + "[".repeat(1000) + "]".repeat(1000) + "\n";
        ParseResult.Failed f = failure(deep);
        assertTrue(f.message().toLowerCase().contains("nesting"), f.message());
    }

    @Test
    void recursiveAlias_namedError() {
        ParseResult.Failed f = failure("a: &a\n  - *a\n");
        assertTrue(f.message().contains("nested deeper") || f.message().contains("ecursive"), f.message());
    }

    @Test
    void invalidUtf8_fails() {
        ParseResult r = YamlParser.parse(new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertInstanceOf(ParseResult.Failed.class, r);
    }

    @Test
    void malformedOnProfile_failsWithDocumentLine() {
        ParseResult.Failed f = failure("a: 1\n---\nspring.config.activate.on-profile: \"prod & | eu\"\n");
        assertEquals(3, f.line());
        assertTrue(f.message().contains("malformed profile expression"), f.message());
    }
}
