package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.Tools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

    @Test
    void lowersTheCallingThreadOnly_byItsStepEachTime() throws Exception {
        Tools.require(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/thread-self")) && onPath("renice"),
                "Linux /proc and renice (apt-get install -y bsdutils)");
        String caller = BackgroundPriority.threadId();
        int before = BackgroundPriority.nice(caller);
        List<Object> seen = new ArrayList<>();
        Thread t = Thread.ofPlatform().unstarted(() -> {
            try {
                String tid = BackgroundPriority.threadId();
                seen.add(tid);
                seen.add(BackgroundPriority.lowerCurrentThread());
                seen.add(BackgroundPriority.nice(tid));
                seen.add(BackgroundPriority.lowerCurrentThread());
                seen.add(BackgroundPriority.nice(tid));
            } catch (Exception e) {
                seen.add(e);
            }
        });
        t.start();
        t.join();
        assertNotEquals(caller, seen.get(0));
        assertEquals(true, seen.get(1));
        assertEquals(Math.min(19, before + BackgroundPriority.NICE), seen.get(2));
        assertEquals(true, seen.get(3));
        assertEquals(Math.min(19, before + 2 * BackgroundPriority.NICE), seen.get(4));
        assertEquals(before, BackgroundPriority.nice(caller), "the caller's priority is untouched");
    }

    @Test
    void aVirtualThread_isNotLowered_forItsCarrierServesRequestsToo() throws Exception {
        List<Object> seen = new ArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                String carrier = BackgroundPriority.threadId();
                int before = BackgroundPriority.nice(carrier);
                seen.add(BackgroundPriority.lowerCurrentThread());
                seen.add(before == BackgroundPriority.nice(carrier));
            } catch (Exception e) {
                seen.add(e);
            }
        });
        t.join();
        assertEquals(List.of(false, true), seen);
    }

    @Test
    void threadsByName_areLoweredAndOnlyThey_asTheJitCompilersAre() throws Exception {
        Tools.require(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/thread-self")) && onPath("renice"),
                "Linux /proc and renice (apt-get install -y bsdutils)");
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> named = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            named.add(Thread.ofPlatform().name("vtx-lower-me-" + i).start(() -> {
                try {
                    ids.add(BackgroundPriority.threadId());
                    started.countDown();
                    done.await();
                } catch (Exception e) {
                    ids.add(e.toString());
                    started.countDown();
                }
            }));
        }
        started.await();
        String caller = BackgroundPriority.threadId();
        int before = BackgroundPriority.nice(caller);
        try {
            assertEquals(2, BackgroundPriority.lowerThreadsNamed("vtx-lower-me-", BackgroundPriority.NICE));
            for (String tid : ids) {
                assertEquals(Math.min(19, before + BackgroundPriority.NICE), BackgroundPriority.nice(tid));
            }
            assertEquals(before, BackgroundPriority.nice(caller));
            assertEquals(0, BackgroundPriority.lowerThreadsNamed("vtx-lower-me-", BackgroundPriority.NICE), "already lowered: not again");
            assertEquals(0, BackgroundPriority.lowerThreadsNamed("no thread is called this", BackgroundPriority.NICE));
        } finally {
            done.countDown();
            for (Thread t : named) {
                t.join();
            }
        }
        // this JVM's optimizing compiler threads, as the daemon lowers its own after the start
        // (the JVM adds and retires C2 threads as it likes, but keeps its first: compare those seen both times)
        Map<String, Integer> c2Before = c2Threads();
        BackgroundPriority.lowerJitCompiler();
        Map<String, Integer> c2After = c2Threads();
        c2After.keySet().retainAll(c2Before.keySet());
        assertTrue(c2Before.isEmpty() || !c2After.isEmpty());
        int lowered = Math.min(19, BackgroundPriority.nice(Long.toString(ProcessHandle.current().pid())) + BackgroundPriority.JIT_NICE);
        c2After.forEach((tid, nice) -> assertTrue(nice >= lowered, "C2 thread " + tid + " at nice " + nice));
    }

    private static Map<String, Integer> c2Threads() throws Exception {
        Map<String, Integer> out = new java.util.HashMap<>();
        try (var tasks = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
            for (var task : tasks) {
                try {
                    if (java.nio.file.Files.readString(task.resolve("comm")).startsWith("C2 CompilerThre")) {
                        String tid = task.getFileName().toString();
                        out.put(tid, BackgroundPriority.nice(tid));
                    }
                } catch (java.nio.file.NoSuchFileException ended) {
                    // a thread that ended while listed
                }
            }
        }
        return out;
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool)));
    }

    @Test
    void threadIds_areTheKernelsOwn_oneEachThread() throws Exception {
        String here = BackgroundPriority.threadId();
        assertTrue(here.chars().allMatch(Character::isDigit), here);
        List<String> other = new ArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                other.add(BackgroundPriority.threadId());
            } catch (Exception e) {
                other.add(e.toString());
            }
        });
        t.join();
        assertNotEquals(here, other.get(0));
    }
}
