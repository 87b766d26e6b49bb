package dev.vortex.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * A mirror's housekeeping (git gc), outside its fetches. JGit runs an automatic gc at the end of
 * every fetch, before the fetch returns; a mirror turns that off ({@code gc.auto=0},
 * {@code gc.autoPackLimit=0} in its config), so a fetch ends once its refs are updated and the run
 * publishes the new commit without waiting for a repack. The run then calls {@link #runIfDue}: due
 * by JGit's own default limits, more than 50 packs (a fetch that brings objects adds one) or more
 * than about 6,700 loose objects (estimated from {@code objects/17}, as git does).
 */
final class MirrorGc {
    static final int PACK_LIMIT = 50;
    static final int LOOSE_LIMIT = 6_700;

    private MirrorGc() {
    }

    /** Turns JGit's gc inside every fetch off; true when {@code config} changed (the caller saves it). */
    static boolean disableAutoGc(StoredConfig config) {
        boolean changed = false;
        for (String key : new String[] {ConfigConstants.CONFIG_KEY_AUTO, ConfigConstants.CONFIG_KEY_AUTOPACKLIMIT}) {
            if (config.getInt(ConfigConstants.CONFIG_GC_SECTION, key, -1) != 0) {
                config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, key, 0);
                changed = true;
            }
        }
        return changed;
    }

    /** Repacks {@code mirror} when it holds more than {@code packLimit} packs or about {@code looseLimit} loose objects; true when it did. */
    static boolean runIfDue(Mirror mirror, int packLimit, int looseLimit) throws IOException {
        Path objects = mirror.directory().resolve("objects");
        if (count(objects.resolve("pack"), ".pack") <= packLimit && count(objects.resolve("17"), "") * 256 <= looseLimit) {
            return false;
        }
        try {
            Git.wrap(mirror.repository()).gc().call();
            return true;
        } catch (GitAPIException | RuntimeException e) {
            throw new IOException("gc of mirror " + mirror.name() + ": " + e.getMessage(), e);
        }
    }

    private static long count(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }
}
