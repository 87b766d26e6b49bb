package dev.vortex.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetPatternTest {
    private static final Set<Target> INVENTORY = Set.of(
            new Target("shop", "prod", "main"), new Target("shop", "prod", "release/1"),
            new Target("shop", "dev", "main"), new Target("billing", "prod", "trunk"),
            new Target("shared", "default", "main"));

    private static Set<Target> expand(String pattern) {
        return TargetPattern.parse(pattern).expand(INVENTORY, app -> Optional.of(app.equals("billing") ? "trunk" : "main"));
    }

    @Test
    void parse_twoOrThreeParts_labelEscapeDecoded() {
        assertEquals(new TargetPattern("a", "b", null), TargetPattern.parse("a:b"));
        assertEquals(new TargetPattern("a", "b", "release/*"), TargetPattern.parse("a:b:release(_)*"));
        assertTrue(TargetPattern.parse("a:b:c").concrete());
        assertFalse(TargetPattern.parse("a*:b").concrete());
    }

    @Test
    void parse_rejectsMalformedPatterns() {
        for (String bad : new String[] {"a", "a:b:c:d", ":b", "a:", "-a:b", "../x:b", "a:b:x(_)(_)y", "a/b:c"}) {
            assertThrows(IllegalArgumentException.class, () -> TargetPattern.parse(bad), bad);
        }
    }

    @Test
    void missingLabel_matchesEachAppsDefaultLabelOnly() {
        assertEquals(Set.of(new Target("shop", "prod", "main"), new Target("billing", "prod", "trunk")), expand("*:prod"));
    }

    @Test
    void starLabel_matchesEveryListedLabel_globLabel_matchesByGlob() {
        assertEquals(Set.of(new Target("shop", "prod", "main"), new Target("shop", "prod", "release/1")), expand("shop:prod:*"));
        assertEquals(Set.of(new Target("shop", "prod", "release/1")), expand("shop:*:release(_)*"));
    }

    @Test
    void appAndProfileGlobs() {
        assertEquals(Set.of(new Target("shop", "prod", "main"), new Target("shared", "default", "main"),
                new Target("shop", "dev", "main")), expand("sh*:*"));
        assertEquals(Set.of(), expand("nothing*:*"));
    }
}
