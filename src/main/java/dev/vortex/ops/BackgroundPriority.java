package dev.vortex.ops;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the calling platform thread's CPU priority (Linux nice), for bulk work that must not take
 * cores from serving: a change to a file every application reads re-renders thousands of targets, and
 * on a busy host a {@code GET} waited behind the render thread for its turn on a core (measured on 2
 * cores, {@code make bench BENCH=mono}: {@code GET} p99 during a 20,000-target re-render 2.0-2.8× its
 * p99 at rest at the same priority; 1.5-2.0× at nice 6 in five of six runs, the fan-out in 1.4-2.0 s,
 * as the bench's GET loader then takes more of the cores; nice 4 left p99 at 2.0×, nice 8 let a
 * fan-out pass 2 s). Java's own thread priorities do nothing on Linux unless the JVM is given flags
 * that also raise other threads' priority (which only root may); {@code renice} of one thread id needs
 * no privilege and touches nothing else. Where there is no {@code /proc} or no {@code renice}, the
 * thread keeps its priority, which is said at debug level.
 */
public final class BackgroundPriority {
    /** How much lower: at nice 6 a thread gets about a quarter of a nice-0 thread's share of a contended core. */
    public static final int NICE = 6;
    /** The JIT's optimizing compiler: the lowest priority there is, so it compiles on what nothing else wants. */
    public static final int JIT_NICE = 19;
    private static final Log LOG = Log.of(BackgroundPriority.class);

    private BackgroundPriority() {
    }

    /** Lowers the calling platform thread by {@link #NICE} (at most to 19); true when done, false for a virtual thread. */
    public static boolean lowerCurrentThread() {
        if (Thread.currentThread().isVirtual()) {
            return false; // its kernel thread is a carrier that serves requests too
        }
        try {
            String tid = threadId();
            return lower(tid, Math.min(19, nice(tid) + NICE));
        } catch (IOException e) {
            LOG.debug("background work runs at normal priority", "reason", e.toString());
            return false;
        }
    }

    /**
     * Lowers the JVM's optimizing JIT compiler threads (C2) to nice {@link #JIT_NICE}; returns how many.
     * In the first large change after a start, C2 compiled the render and delivery paths with 0.65-1.07 s
     * of CPU (more than rendering and delivering took) on cores that serving and the render thread
     * needed; lowered, it compiles when they leave a core (at nice 6 it still took a fifth of one: in six
     * interleaved pairs {@code GET} p99 during the re-render was 1.09-1.87× at nice 19 against 1.45-2.25×
     * at nice 6, the fan-out as fast). The hub asks at each large change, not at the start: a daemon
     * that never has one keeps its JIT at full speed for its first pushes (lowered from the start, the
     * first {@code refresh?wait} rounds took 5 ms more); and a C2 thread the JVM adds later starts at the priority of the compiler
     * thread that starts it, which may be C1's. C1, whose quick compiles the first answers wait for,
     * keeps its priority.
     */
    public static int lowerJitCompiler() {
        return lowerThreadsNamed("C2 CompilerThre", JIT_NICE);
    }

    /**
     * Lowers every thread of this process whose kernel name ({@code comm}, 15 characters) starts with
     * {@code prefix} to the process's nice value + {@code step} (at most 19); one already there is left
     * as it is, so asking again (a test that starts the daemon in its own JVM, many times) lowers nothing further.
     */
    static int lowerThreadsNamed(String prefix, int step) {
        int lowered = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            int to = Math.min(19, processNice() + step);
            for (Path task : tasks) {
                String tid = task.getFileName().toString();
                boolean due;
                try {
                    due = Files.readString(task.resolve("comm")).startsWith(prefix) && nice(tid) < to;
                } catch (IOException ended) {
                    continue; // the thread ended while listed
                }
                if (due && lower(tid, to)) {
                    lowered++;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("threads keep their priority", "threads", prefix, "reason", e.toString());
        }
        return lowered;
    }

    // renice of one thread id to nice value {@code to}: absolute (--priority), as what "-n" means, a value
    // or an increment, differs between renice versions
    private static boolean lower(String tid, int to) {
        try {
            Process renice = new ProcessBuilder("renice", "--priority", Integer.toString(to), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                LOG.debug("background work runs at normal priority", "reason", "renice did not finish");
                return false;
            }
            if (renice.exitValue() != 0) {
                LOG.debug("background work runs at normal priority", "reason", "renice exit " + renice.exitValue());
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) { // no /proc, no renice: nothing lowered, nothing else changed
            LOG.debug("background work runs at normal priority", "reason", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // the main thread's, which the JVM's own threads started with
    private static int processNice() throws IOException {
        return nice(Long.toString(ProcessHandle.current().pid()));
    }

    /** A thread's nice value: field 19 of its stat line (the name before it, in parentheses, may hold spaces). */
    static int nice(String tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /** The calling thread's kernel id ({@code /proc/thread-self} links to {@code <pid>/task/<tid>}). */
    static String threadId() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        String tid = link.substring(link.lastIndexOf('/') + 1);
        if (tid.isEmpty() || !tid.chars().allMatch(Character::isDigit)) {
            throw new IOException("unexpected /proc/thread-self link: " + link);
        }
        return tid;
    }
}
