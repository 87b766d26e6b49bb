package dev.vortex.render;

import java.util.Random;

/**
 * Random {@code .properties} files for the differential test: every separator ({@code = : }
 * whitespace), escapes ({@code \t \n \\uXXXX \=}, continuation lines), comments ({@code # !}),
 * document separators ({@code #---}, {@code !---}, and near misses), {@code key[]=a,b} lists,
 * empty keys and values, duplicates, Latin-1 bytes and the three line endings.
 */
final class PropertiesGenerator {
    private static final String[] KEYS = {"name", "server.port", "a.b.c", "list[0]", "list[1]", "list[]", "x-y",
            "spring.config.activate.on-profile", "a\\ b", "a\\=b", "a\\:b", "\\u0041bc", "caf\u00e9", "k\\tk", "", "[x]",
            "name", "\\#not", "a\\\\"};
    private static final String[] SEPARATORS = {"=", ":", " ", " = ", "\t:\t", "  ", "=  ", " :", "\f="};
    private static final String[] VALUES = {"value", "two words", "trailing  ", "", "a,b,c", "a\\,b,c", "tab\\there",
            "new\\nline", "\\u00e9t\\u00e9", "\\u00E9", "caf\u00e9", "x=y", "k:v", "#not a comment", "!bang", "back\\\\slash",
            "\\ leading", "\\r\\f", "${placeholder}", "42", "true", "cont\\\n   inued", "multi\\\n  \\\n  line", "a\\qb",
            "\u00ff\u00a0nbsp"};
    private static final String[] OTHER_LINES = {"# comment", "! comment", "#---", "!---", "#---  ", "#----", "  #---",
            "#--- x", "", "   ", "\t", "#", "!", "# a=b", "!---\t"};

    private final Random random;

    PropertiesGenerator(Random random) {
        this.random = random;
    }

    String file() {
        String eol = switch (random.nextInt(8)) {
            case 0 -> "\r\n";
            case 1 -> "\r";
            default -> "\n";
        };
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(4) == 0) {
                sb.append(OTHER_LINES[random.nextInt(OTHER_LINES.length)]);
            } else {
                if (random.nextInt(6) == 0) {
                    sb.append(random.nextBoolean() ? "  " : "\t");
                }
                String value = VALUES[random.nextInt(VALUES.length)].replace("\n", eol);
                if (random.nextInt(60) == 0) {
                    value = "bad\\u12G4";
                }
                sb.append(KEYS[random.nextInt(KEYS.length)]).append(SEPARATORS[random.nextInt(SEPARATORS.length)]).append(value);
            }
            if (i < n - 1 || random.nextInt(4) != 0) {
                sb.append(eol);
            }
        }
        if (random.nextInt(30) == 0) {
            sb.append("end\\");
        }
        return sb.toString();
    }
}
