package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
    @TempDir
    Path tmp;

    @Test
    void noFile_acceptsEverything() {
        Tokens t = Tokens.none();
        assertFalse(t.required());
        assertTrue(t.accepts(null));
    }

    @Test
    void file_withCommentsAndBlanks_acceptsOnlyListedTokens() throws IOException {
        Path f = Files.writeString(tmp.resolve("tokens"), "# admins\n  alpha  \n\nbeta\n#gamma\n");
        Tokens t = Tokens.load(Optional.of(f));
        assertTrue(t.required());
        assertTrue(t.accepts("alpha"));
        assertTrue(t.accepts("beta"));
        assertFalse(t.accepts("gamma"));
        assertFalse(t.accepts("#gamma"));
        assertFalse(t.accepts(""));
        assertFalse(t.accepts(null));
        assertFalse(t.accepts("alph"));
    }

    @Test
    void reload_picksUpChanges_andKeepsOldTokensWhenFileVanishes() throws IOException {
        Path f = Files.writeString(tmp.resolve("tokens"), "one\n");
        Tokens t = Tokens.load(Optional.of(f));
        Files.writeString(f, "two\n");
        t.reload();
        assertFalse(t.accepts("one"));
        assertTrue(t.accepts("two"));
        Files.delete(f);
        t.reload();
        assertTrue(t.accepts("two"));
    }

    @Test
    void missingFile_atStart_isAnError() {
        assertThrows(IOException.class, () -> Tokens.load(Optional.of(tmp.resolve("none"))));
    }

    @Test
    void bearerHeader_isParsedCaseInsensitively() {
        assertEquals(Optional.of("abc"), Tokens.bearer("Bearer abc"));
        assertEquals(Optional.of("abc"), Tokens.bearer("bearer abc"));
        assertEquals(Optional.empty(), Tokens.bearer("Basic abc"));
        assertEquals(Optional.empty(), Tokens.bearer(null));
    }
}
