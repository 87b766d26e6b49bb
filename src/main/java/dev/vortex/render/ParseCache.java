package dev.vortex.render;

import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Parsed configuration files by blob id. A blob id names immutable content, so an entry never
 * goes stale: a new commit re-parses only the files whose content changed. Failures are cached
 * too, which keeps {@code check()} cheap. Bounded by an estimate of the memory the parsed files
 * take (a parsed file costs several times its text, and files range from bytes to the 10 MiB
 * bound), least recently used out first.
 */
final class ParseCache {
    // measured: a flattened YAML file takes 8 to 10 times its text on the heap, plus a fixed cost
    private static final int BYTES_PER_SOURCE_BYTE = 8;
    private static final int ENTRY_OVERHEAD = 1024;

    private final Lru<Key, Held> cache;

    /** The configuration formats Spring reads, by file extension. */
    enum Format {
        PROPERTIES, YAML;

        static Optional<Format> of(String fileName) {
            // exact, case-sensitive extensions: the names Spring looks up
            String name = fileName;
            if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                return Optional.of(YAML);
            }
            if (name.endsWith(".properties")) {
                return Optional.of(PROPERTIES);
            }
            return Optional.empty();
        }
    }

    // the same bytes parse differently as YAML and as properties
    private record Key(ObjectId blob, Format format) {
    }

    private record Held(ParseResult result, long weight) {
    }

    /** @param maxBytes the estimated memory the parsed files may take */
    ParseCache(long maxBytes) {
        this.cache = new Lru<>(maxBytes, Held::weight);
    }

    ParseResult parse(CommitFiles files, CommitFiles.Entry file, Format format) {
        Key key = new Key(file.id(), format);
        Held cached = cache.get(key);
        if (cached != null) {
            return cached.result();
        }
        ParseResult result;
        long weight = ENTRY_OVERHEAD;
        try {
            byte[] bytes = files.read(file.id());
            weight += (long) BYTES_PER_SOURCE_BYTE * bytes.length;
            result = format == Format.YAML ? YamlParser.parse(bytes) : PropertiesParser.parse(bytes);
        } catch (CommitFiles.TooLarge e) {
            result = new ParseResult.Failed(0, e.getMessage());
        }
        cache.put(key, new Held(result, weight));
        return result;
    }

    int entries() {
        return cache.size();
    }

    /** Files parsed so far (cache misses). */
    long parses() {
        return cache.misses();
    }

    long hits() {
        return cache.hits();
    }
}
