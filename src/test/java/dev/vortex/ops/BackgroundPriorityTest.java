package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.Tools;
import java.util.ArrayList;
import java.util.List;
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
