package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * vortexd's parsers against Spring Boot 3.5's own loaders ({@code YamlPropertySourceLoader},
 * {@code PropertiesPropertySourceLoader}) on thousands of generated files: per document, the same
 * keys in the same order, the same values of the same types, the same origins. Where Spring
 * throws, vortexd may fail too, or serve the file when it holds a construct Spring's flattening
 * cannot take (a null key, a non-string key inside a list). A divergence fails with the seed and
 * the smallest file (whole lines removed while it still diverges) that shows it. Another seed:
 * {@code -Dvortex.diffSeed=N}; more files: {@code -Dvortex.diffFiles=N}.
 */
class SpringLoaderDifferentialTest {
    private static final long SEED = Long.getLong("vortex.diffSeed", 20261202L);
    private static final int FILES = Integer.getInteger("vortex.diffFiles", 2000);
    // whether the last file compared loaded in Spring (the test counts how many did)
    private static boolean lastSpringLoaded;

    @Test
    void yamlFiles_flattenLikeSpringBoot() {
        Random random = new Random(SEED);
        YamlGenerator gen = new YamlGenerator(random);
        int compared = 0;
        for (int i = 0; i < FILES; i++) {
            String text = gen.file();
            String divergence = divergence(text, true);
            if (divergence != null) {
                String smallest = shrink(text, t -> divergence(t, true) != null);
                fail("seed " + SEED + ", YAML file #" + i + " diverges from Spring Boot. Smallest file:\n" + smallest
                        + "\n---\n" + divergence(smallest, true));
            }
            compared += divergence == null && lastSpringLoaded ? 1 : 0;
        }
        assertTrue(compared > FILES * 3 / 4, "most generated files should load in Spring: " + compared);
    }

    @Test
    void propertiesFiles_loadLikeSpringBoot() {
        Random random = new Random(SEED);
        PropertiesGenerator gen = new PropertiesGenerator(random);
        for (int i = 0; i < FILES; i++) {
            String text = gen.file();
            String divergence = divergence(text, false);
            if (divergence != null) {
                String smallest = shrink(text, t -> divergence(t, false) != null);
                fail("seed " + SEED + ", properties file #" + i + " diverges from Spring Boot. Smallest file:\n"
                        + smallest.replace("\r", "\\r") + "\n---\n" + divergence(smallest, false));
            }
        }
    }

    @Test
    void divergence_isFound_andShrunkToTheLineThatShowsIt() {
        // a stand-in divergence: any file with "b" in it
        String smallest = shrink("a: 1\nb: 2\nc: 3\n", t -> t.contains("b"));
        assertEquals("b: 2\n", smallest);
        assertEquals(null, divergence("a: {}\nb: []\n", true));
    }

    /** Null when both sides agree; else what differs. */
    static String divergence(String text, boolean yaml) {
        byte[] bytes = bytes(text, yaml);
        SpringLoaders.Outcome spring = SpringLoaders.spring(bytes, yaml);
        SpringLoaders.Outcome vortex = SpringLoaders.vortex(bytes, yaml);
        lastSpringLoaded = !spring.failed();
        if (spring.failed()) {
            return vortex.failed() || spring.inFlattening() ? null : "Spring: " + spring + "\nvortexd: " + vortex;
        }
        if (vortex.failed()) {
            return "Spring: " + spring + "\nvortexd: " + vortex;
        }
        if (spring.documents().size() != vortex.documents().size()) {
            return "documents: Spring " + spring.documents().size() + ", vortexd " + vortex.documents().size()
                    + "\nSpring: " + spring + "\nvortexd: " + vortex;
        }
        for (int d = 0; d < spring.documents().size(); d++) {
            List<String> s = spring.documents().get(d);
            List<String> v = vortex.documents().get(d);
            for (int k = 0; k < Math.max(s.size(), v.size()); k++) {
                String sk = k < s.size() ? s.get(k) : "(none)";
                String vk = k < v.size() ? v.get(k) : "(none)";
                if (!sk.equals(vk)) {
                    return "document #" + d + ", key #" + k + ":\n  Spring:  " + sk + "\n  vortexd: " + vk;
                }
            }
        }
        return null;
    }

    private static byte[] bytes(String text, boolean yaml) {
        return text.getBytes(yaml ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** Removes whole lines (halves, then single lines) as long as the file still diverges. */
    static String shrink(String text, Predicate<String> diverges) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("(?<=\n)")));
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int chunk = Math.max(1, lines.size() / 2); chunk >= 1 && !progress; chunk /= 2) {
                for (int start = 0; start + chunk <= lines.size(); start++) {
                    List<String> candidate = new ArrayList<>(lines.subList(0, start));
                    candidate.addAll(lines.subList(start + chunk, lines.size()));
                    if (!candidate.isEmpty() && diverges.test(String.join("", candidate))) {
                        lines = candidate;
                        progress = true;
                        break;
                    }
                }
            }
        }
        return String.join("", lines);
    }
}
