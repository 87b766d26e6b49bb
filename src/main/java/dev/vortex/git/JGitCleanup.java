package dev.vortex.git;

import dev.vortex.ops.Log;
import java.lang.reflect.Method;
import org.eclipse.jgit.internal.util.CleanupService;

/**
 * JGit's clean-up at exit (lock files a fetch still holds, its file-attribute writer), run from our
 * own JVM shutdown hook. Left to itself, JGit adds its hook at the first use of a repository and
 * first loads all its messages ({@code JGitText}: ~1,100 fields set by reflection, over 100 ms of
 * CPU on the start's path) so that they exist while the JVM shuts down. Set up as an OSGi container
 * does it, JGit hands its clean-up to this class instead, and its messages load when one is needed.
 */
final class JGitCleanup {
    private static final Log LOG = Log.of(JGitCleanup.class);

    private JGitCleanup() {
    }

    /**
     * Once per process ({@link Mirrors#prepare}), before JGit's first use. Later (JGit already used, as in
     * a test JVM) it changes nothing: JGit's own hook was added then, and this one finds nothing handed to it.
     */
    static void install() {
        CleanupService service = new CleanupService(); // the public constructor is the container's: it becomes JGit's instance
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(service), "vortex-jgit-cleanup"));
    }

    /** What JGit's own hook would run; {@code shutDown} is package-private (the container calls it), reached reflectively. */
    static void run(CleanupService service) {
        try {
            Method shutDown = CleanupService.class.getDeclaredMethod("shutDown");
            shutDown.setAccessible(true);
            shutDown.invoke(service);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("JGit's clean-up at exit failed", "err", e.toString());
        }
    }
}
