package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertiesParserTest {

    static List<Document> docs(String text) {
        ParseResult r = PropertiesParser.parse(text.getBytes(StandardCharsets.ISO_8859_1));
        return assertInstanceOf(ParseResult.Parsed.class, r, () -> r.toString()).documents();
    }

    static Map<String, Object> flat(String text) {
        List<Document> d = docs(text);
        assertEquals(1, d.size(), () -> d.toString());
        return d.get(0).source();
    }

    @Test
    void keys_keepFileOrder_valuesStayStrings() {
        Map<String, Object> got = flat("z=1\na=true\nm.n[0]=x\n");
        assertEquals(List.of("z", "a", "m.n[0]"), new ArrayList<>(got.keySet()));
        assertEquals("1", got.get("z"));
        assertEquals("true", got.get("a"));
    }

    @Test
    void origins_areSpringsLineAndColumn_evenItsQuirks() {
        Document d = docs("a=1\n  b : two\nlong=x\\\n   y\nempty=\nlast=").get(0);
        assertEquals("1:3", d.origins().get("a").toString());
        assertEquals("2:7", d.origins().get("b").toString());
        assertEquals("3:6", d.origins().get("long").toString());
        // an empty value is placed after the line break read (java.io.LineNumberReader), also at end of file
        assertEquals("6:0", d.origins().get("empty").toString());
        assertEquals("7:6", d.origins().get("last").toString());
    }

    @Test
    void separators_equalsColonWhitespace() {
        assertEquals(Map.of("a", "1", "b", "2", "c", "3 4", "d", "= 5", "e", ""),
                flat("a=1\nb : 2\nc 3 4\nd = = 5\ne\n"));
    }

    @Test
    void escapesAndContinuations_likeJavaProperties() {
        Map<String, Object> got = flat("""
                tab=a\\tb
                uni=caf\\u00e9
                key\\ with\\ spaces=v
                eq\\=key=v2
                long=one, \\
                     two, \\
                     three
                back=c:\\\\dir
                """);
        assertEquals("a\tb", got.get("tab"));
        assertEquals("café", got.get("uni"));
        assertEquals("v", got.get("key with spaces"));
        assertEquals("v2", got.get("eq=key"));
        assertEquals("one, two, three", got.get("long"));
        assertEquals("c:\\dir", got.get("back"));
    }

    @Test
    void comments_andBlankLines_ignored() {
        assertEquals(Map.of("a", "1", "b", "2"), flat("# c\n! c2\n\n   a=1\n  # indented\nb=2\n"));
    }

    @Test
    void isoLatin1_bytesReadAsLatin1() {
        ParseResult r = PropertiesParser.parse(new byte[] {'a', '=', (byte) 0xE9});
        assertEquals("é", ((ParseResult.Parsed) r).documents().get(0).source().get("a"));
    }

    @Test
    void bracketList_expands() {
        assertEquals(Map.of("l[0]", "a", "l[1]", "b", "l[2]", "c,d"), flat("l[]=a, b,c\\,d\n"));
    }

    @Test
    void hashDashes_separateDocuments_withActivation() {
        List<Document> d = docs("""
                a=1
                #---
                spring.config.activate.on-profile=prod
                a=2
                !---
                a=3
                """);
        assertEquals(3, d.size());
        assertEquals("1", d.get(0).source().get("a"));
        assertTrue(d.get(1).activeFor(List.of("prod")));
        assertEquals(2, d.get(2).index());
    }

    @Test
    void separatorAfterComment_isAComment() {
        assertEquals(1, docs("a=1\n# note\n#---\nb=2\n").size());
    }

    @Test
    void malformedUnicodeEscape_failsWithLine() {
        ParseResult r = PropertiesParser.parse("a=1\nb=\\u12G4\n".getBytes(StandardCharsets.ISO_8859_1));
        ParseResult.Failed f = assertInstanceOf(ParseResult.Failed.class, r);
        assertEquals(2, f.line());
        assertTrue(f.message().contains("\\uXXXX"), f.message());
    }

    @Test
    void malformedActivation_failsWithItsLine() {
        ParseResult r = PropertiesParser.parse("a=1\nspring.config.activate.on-profile=(prod\n".getBytes(StandardCharsets.ISO_8859_1));
        ParseResult.Failed f = assertInstanceOf(ParseResult.Failed.class, r);
        assertEquals(2, f.line());
    }

    @Test
    void crlfLineEnds_likeLf() {
        assertEquals(Map.of("a", "1", "b", "2"), flat("a=1\r\nb=2\r\n"));
    }
}
