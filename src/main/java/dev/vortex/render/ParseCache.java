package dev.vortex.render;

import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Parsed configuration files by blob id. A blob id names immutable content, so an entry never
 * goes stale: a new commit re-parses only the files whose content changed. Failures are cached
 * too, which keeps {@code check()} cheap. Bounded by entry count, least recently used out first.
 */
final class ParseCache {
    /** Enough for every file of many large repositories; one entry is one parsed file. */
    static final int DEFAULT_MAX_ENTRIES = 50_000;

    private final Lru<Key, ParseResult> cache;

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

    ParseCache(int maxEntries) {
        this.cache = new Lru<>(maxEntries, r -> 1);
    }

    ParseResult parse(CommitFiles files, CommitFiles.Entry file, Format format) {
        Key key = new Key(file.id(), format);
        ParseResult cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        ParseResult result;
        try {
            byte[] bytes = files.read(file.id());
            result = format == Format.YAML ? YamlParser.parse(bytes) : PropertiesParser.parse(bytes);
        } catch (CommitFiles.TooLarge e) {
            result = new ParseResult.Failed(0, e.getMessage());
        }
        cache.put(key, result);
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
