package dev.vortex.render;

import com.github.benmanes.caffeine.cache.Cache;
import dev.vortex.ops.Metrics;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Parsed configuration files by blob id. A blob id names immutable content, so an entry never
 * goes stale: a new commit re-parses only the files whose content changed. Failures are cached
 * too. Bounded by an estimate of the memory the parsed files take (a parsed file costs several
 * times its text, and files range from bytes to the 10 MiB bound).
 *
 * <p>Beside the parsed files, their {@link Facts} — whether the file parses and which profiles its
 * documents activate — are kept by blob id in a cache of their own, a few hundred bytes per file:
 * the commit check and the inventory need only those, so a repository of 20,000 files is checked
 * again without parsing any file that did not change, even when the parsed files themselves did
 * not all fit.
 */
final class ParseCache {
    // measured: a flattened YAML file takes 8 to 10 times its text on the heap, plus a fixed cost
    private static final int BYTES_PER_SOURCE_BYTE = 8;
    private static final int ENTRY_OVERHEAD = 1024;
    // key, record, set: what one file's facts take
    private static final int FACTS_OVERHEAD = 160;

    /*
     * The files looked up last, by blob id, in a few slots (small files only): a re-render of every
     * target looks up application.yml once per target, and each application's own file once per
     * profile, in a row. A hit here skips the bounded cache's bookkeeping (its read buffer and the
     * eviction policy's upkeep were a tenth of a 20,000-target re-render). It holds at most
     * RECENT × RECENT_MAX_WEIGHT (4 MiB) beside the bound, mostly the same objects the bound holds.
     */
    private static final int RECENT = 64;
    private static final long RECENT_MAX_WEIGHT = 64 * 1024;

    private final Caches.Stats stats;
    private final Cache<Key, Held> cache;
    private final Cache<Key, Facts> facts;
    private final AtomicReferenceArray<Recent> recent = new AtomicReferenceArray<>(RECENT);

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

    /**
     * What the check and the inventory need of one file.
     *
     * @param failure  why it does not parse, null when it does
     * @param profiles the profiles its documents' {@code on-profile} conditions name
     * @param ciphers  whether it holds {@code {cipher}} values (the check tries them)
     */
    record Facts(ParseResult.Failed failure, Set<String> profiles, boolean ciphers) {
        Facts {
            profiles = Set.copyOf(profiles);
        }
    }

    // the same bytes parse differently as YAML and as properties
    private record Key(ObjectId blob, Format format) {
    }

    private record Held(ParseResult result, long weight) {
    }

    private record Recent(Key key, ParseResult result) {
    }

    /** @param maxBytes the estimated memory the parsed files may take (their facts: a quarter more) */
    ParseCache(long maxBytes, Metrics metrics) {
        this.stats = new Caches.Stats("parsed", metrics);
        this.cache = Caches.bounded(stats, maxBytes, Held::weight);
        this.facts = Caches.bounded("facts", maxBytes / 4, f -> FACTS_OVERHEAD + 32L * f.profiles().size(), metrics);
    }

    ParseResult parse(CommitFiles files, CommitFiles.Entry file, Format format) {
        Key key = new Key(file.id(), format);
        int slot = key.hashCode() & (RECENT - 1);
        Recent r = recent.get(slot);
        if (r != null && r.key().equals(key)) {
            stats.recordHits(1);
            return r.result();
        }
        Held held = cache.get(key, k -> read(files, k));
        if (held.weight() <= RECENT_MAX_WEIGHT) {
            recent.set(slot, new Recent(key, held.result()));
        }
        return held.result();
    }

    /** The file's {@link Facts}, parsing it only when neither they nor the parsed file are cached. */
    Facts facts(CommitFiles files, CommitFiles.Entry file, Format format) {
        return facts.get(new Key(file.id(), format), k -> factsOf(parse(files, file, format)));
    }

    private static Facts factsOf(ParseResult result) {
        if (result instanceof ParseResult.Failed f) {
            return new Facts(f, Set.of(), false);
        }
        Set<String> profiles = new HashSet<>();
        boolean ciphers = false;
        for (Document d : ((ParseResult.Parsed) result).documents()) {
            d.activation().ifPresent(a -> profiles.addAll(a.names()));
            ciphers |= d.ciphers();
        }
        return new Facts(null, profiles, ciphers);
    }

    private static Held read(CommitFiles files, Key key) {
        try {
            byte[] bytes = files.read(key.blob());
            ParseResult result = key.format() == Format.YAML ? YamlParser.parse(bytes) : PropertiesParser.parse(bytes);
            return new Held(result, ENTRY_OVERHEAD + (long) BYTES_PER_SOURCE_BYTE * bytes.length);
        } catch (CommitFiles.TooLarge e) {
            return new Held(new ParseResult.Failed(0, e.getMessage()), ENTRY_OVERHEAD);
        }
    }

    int entries() {
        return (int) cache.estimatedSize();
    }

    /** Files parsed so far (cache misses). */
    long parses() {
        return cache.stats().missCount();
    }

    long hits() {
        return cache.stats().hitCount();
    }
}
