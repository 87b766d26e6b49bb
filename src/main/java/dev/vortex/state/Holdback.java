package dev.vortex.state;

import java.util.List;

/**
 * A label whose served commit has files that do not parse. The label serves its commit to every
 * application that reads none of them; a reader is served the newest of {@code fallbacks} it can
 * read (its last good commit), or nothing (422) when there is none.
 *
 * @param broken    the files of the served commit that do not parse
 * @param fallbacks the label's previous commits, newest first, back to the last one where every
 *                  file parsed (bounded by {@link #MAX_FALLBACKS})
 */
public record Holdback(List<BrokenFile> broken, List<String> fallbacks) {
    /** How many previous commits a label remembers while it has broken files. */
    public static final int MAX_FALLBACKS = 16;

    public Holdback {
        broken = List.copyOf(broken);
        fallbacks = List.copyOf(fallbacks.size() > MAX_FALLBACKS ? fallbacks.subList(0, MAX_FALLBACKS) : fallbacks);
    }
}
