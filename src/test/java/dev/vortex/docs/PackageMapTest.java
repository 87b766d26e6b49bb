package dev.vortex.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's package map is the code's: every class of {@code src/main/java} uses (imports or names
 * in code, comments aside) only the packages its package's row allows, nothing uses the composition
 * root, and every package has a row.
 */
class PackageMapTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/vortex");
    private static final String ROOT = "dev.vortex";
    private static final Pattern ROW = Pattern.compile("^\\| `([\\w.]+)` \\| [^|]+ \\| ([^|]+) \\|$");
    private static final Pattern USE = Pattern.compile("\\bdev\\.vortex\\.(\\w+)\\b");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** Package → the packages it may use, from the README's "Packages" table. */
    private static Map<String, Set<String>> map() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Packages\n");
        assertTrue(start >= 0, "README.md has no \"## Packages\" section");
        int end = readme.indexOf("\n## ", start + 1);
        Map<String, Set<String>> map = new LinkedHashMap<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches() && !m.group(1).equals(ROOT)) {
                Set<String> may = new TreeSet<>();
                Matcher used = Pattern.compile("`(\\w+)`").matcher(m.group(2));
                while (used.find()) {
                    may.add(used.group(1));
                }
                map.put(m.group(1), may);
            }
        }
        return map;
    }

    @Test
    void everyPackageUsesOnlyWhatItsRowAllows() throws IOException {
        Map<String, Set<String>> map = map();
        Set<String> packages;
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            packages = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(packages, map.keySet().stream().collect(Collectors.toCollection(TreeSet::new)),
                "the README's package table and src/main/java/dev/vortex differ");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                Path rel = SOURCES.relativize(f);
                String own = rel.getNameCount() == 1 ? ROOT : rel.getName(0).toString();
                for (String used : uses(f)) {
                    boolean root = Character.isUpperCase(used.charAt(0));
                    if (own.equals(ROOT) || used.equals(own)) {
                        continue;
                    }
                    if (root || !map.get(own).contains(used)) {
                        violations.add(rel + " uses " + (root ? ROOT + "." + used : used));
                    }
                }
            });
        }
        assertEquals(List.of(), violations, "dependencies against the README's package map");
    }

    @Test
    void aUseAgainstTheMapIsFound() throws IOException {
        Map<String, Set<String>> map = map();
        assertTrue(map.get("config").isEmpty(), "config uses nothing else: " + map.get("config"));
        assertTrue(Arrays.asList("render", "state", "config", "ops").containsAll(map.get("ws")), "ws: " + map.get("ws"));
        assertEquals(Set.of("sync", "Vortexd"), uses("""
                package dev.vortex.state;
                import dev.vortex.sync.SyncEngine; // dev.vortex.http.Router in a comment is no use
                /** {@link dev.vortex.ws.Hub} neither. */
                class X { Object o = dev.vortex.Vortexd.class; }
                """));
    }

    private static Set<String> uses(Path file) {
        try {
            return uses(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packages (or root classes) a source file names outside comments, its own package declaration aside. */
    private static Set<String> uses(String source) {
        String code = COMMENT.matcher(source).replaceAll(" ").replaceFirst("package [\\w.]+;", "");
        Set<String> used = new TreeSet<>();
        Matcher m = USE.matcher(code);
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }
}
