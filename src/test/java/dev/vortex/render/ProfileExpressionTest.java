package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileExpressionTest {
    private static boolean matches(String expr, String... active) {
        return ProfileExpression.parse(expr).matches(List.of(active));
    }

    @Test
    void name_matchesWhenActive() {
        assertTrue(matches("prod", "dev", "prod"));
        assertFalse(matches("prod", "dev"));
    }

    @Test
    void commaList_matchesAny() {
        assertTrue(matches("prod, eu", "eu"));
        assertFalse(matches("prod,eu", "us"));
    }

    @Test
    void negation_andOperators() {
        assertTrue(matches("!prod", "dev"));
        assertFalse(matches("!prod", "prod"));
        assertTrue(matches("prod & eu", "eu", "prod"));
        assertFalse(matches("prod & eu", "prod"));
        assertTrue(matches("prod | eu", "eu"));
        assertTrue(matches("prod & (eu | us)", "prod", "us"));
        assertTrue(matches("!(a | b)", "c"));
    }

    @Test
    void mixedOperatorsWithoutParentheses_rejected() {
        assertThrows(IllegalArgumentException.class, () -> ProfileExpression.parse("a & b | c"));
    }

    @Test
    void malformed_rejected() {
        for (String bad : List.of("(a", "a)", "a &", "&", "a,,b", "!")) {
            assertThrows(IllegalArgumentException.class, () -> ProfileExpression.parse(bad), bad);
        }
    }

    @Test
    void names_includeNegated() {
        assertEquals(Set.of("a", "b", "c"), ProfileExpression.parse("a & !b, c").names());
    }
}
