package dev.vortex.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.ChildDaemon;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.internal.storage.file.LockFile;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In a JVM of its own, as JGit's set-up happens once per process: the start loads no JGit messages, and exit still cleans up. */
class JGitCleanupTest {
    @TempDir
    Path tmp;

    @Test
    void startLoadsNoMessages_andExitStillReleasesHeldLocks() throws Exception {
        String out = child("prepared");
        assertTrue(out.contains("messages loaded: false"), out);
        // what JGit's own hook would have done: the lock the process still held at exit is gone
        assertFalse(Files.exists(tmp.resolve("packed-refs.lock")), out);
    }

    @Test
    void withoutIt_jgitLoadsItsMessagesAtTheFirstRepository() throws Exception {
        String out = child("jgit-alone");
        assertTrue(out.contains("messages loaded: true"), out);
        assertFalse(Files.exists(tmp.resolve("packed-refs.lock")), out);
    }

    private String child(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", ChildDaemon.classPath(), Child.class.getName(), mode,
                tmp.resolve("repo.git").toString(), tmp.resolve("packed-refs").toString()).redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("lock held: true"), out);
        return out;
    }

    /** Prepares JGit as the daemon does (mode {@code prepared}) or not, makes a repository, takes a lock and exits holding it. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            if (args[0].equals("prepared")) {
                Mirrors.prepare();
                Mirrors.awaitPrepared();
            }
            try (var git = new FileRepositoryBuilder().setGitDir(new File(args[1])).build()) {
                git.create(true);
                git.getRefDatabase().getRefs();
            }
            LockFile lock = new LockFile(new File(args[2]));
            System.out.println("lock held: " + (lock.lock() && new File(args[2] + ".lock").exists()));
            var cache = Class.forName("org.eclipse.jgit.nls.GlobalBundleCache").getDeclaredField("cachedBundles");
            cache.setAccessible(true);
            System.out.println("messages loaded: " + !((Map<?, ?>) cache.get(null)).isEmpty());
            System.out.flush();
            System.exit(0);
        }
    }
}
