package dev.vortex.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    static final String C1 = "a".repeat(40);

    @TempDir
    Path tmp;

    @Test
    void write_thenRead_roundTrips() throws IOException {
        StateFile f = StateFile.in(tmp);

        f.write(Map.of("shop", Map.of("main", C1, "release/1.0", C1)));

        assertEquals(Map.of("shop", Map.of("main", C1, "release/1.0", C1)), f.read());
        assertFalse(Files.exists(tmp.resolve("state.json.tmp")));
    }

    @Test
    void fallbacks_roundTrip_andInvalidOnesAreLeftOut() throws IOException {
        StateFile f = StateFile.in(tmp);
        String c2 = C1.replace('a', 'b');

        f.write(Map.of("shop", Map.of("main", C1)), Map.of("shop", Map.of("main", java.util.List.of(c2, C1))));

        assertEquals(Map.of("shop", Map.of("main", C1)), f.read());
        assertEquals(Map.of("shop", Map.of("main", java.util.List.of(c2, C1))), f.readFallbacks());
        Files.writeString(tmp.resolve("state.json"), "{\"version\":1,\"repos\":{},\"fallbacks\":{\"shop\":{\"main\":[\"nope\"]},"
                + "\"../x\":{\"main\":[\"" + C1 + "\"]}}}");
        assertEquals(Map.of(), f.readFallbacks());
        f.write(Map.of("shop", Map.of("main", C1)));
        assertFalse(Files.readString(tmp.resolve("state.json")).contains("fallbacks"), "none written when none held");
    }

    @Test
    void missingFile_readsEmpty() {
        assertEquals(Map.of(), StateFile.in(tmp).read());
    }

    @Test
    void corruptFile_isIgnored() throws IOException {
        Files.writeString(tmp.resolve("state.json"), "{\"version\":1,\"repos\":{\"shop\":");

        assertEquals(Map.of(), StateFile.in(tmp).read());
    }

    @Test
    void foreignJson_isIgnored() throws IOException {
        Files.writeString(tmp.resolve("state.json"), "[1,2,3]");

        assertEquals(Map.of(), StateFile.in(tmp).read());
    }

    @Test
    void badEntries_areSkippedAndGoodOnesKept() throws IOException {
        Files.writeString(tmp.resolve("state.json"), """
                {"version":1,"repos":{
                  "shop":{"main":"%s","bad":"not-a-commit","../x":"%s"},
                  "Bad Name":{"main":"%s"}}}
                """.formatted(C1, C1, C1));

        assertEquals(Map.of("shop", Map.of("main", C1)), StateFile.in(tmp).read());
    }
}
