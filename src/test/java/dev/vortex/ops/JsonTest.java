package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The process's mapper: writes what a default mapper writes, and a request's thread reuses buffers an earlier one released. */
class JsonTest {
    @Test
    void answersOnFreshVirtualThreads_reuseTheBuffersOfEarlierOnes() throws Exception {
        RecyclerPool<?> pool = Json.mapper().getFactory()._getRecyclerPool();
        Map<String, Object> body = Map.of("name", "app1", "profiles", List.of("prod"), "version", "0123abcd");
        byte[] expected = new ObjectMapper().writeValueAsBytes(body);
        Json.mapper().writeValueAsBytes(body); // its serializers made (their first lookup may park a thread holding buffers)
        int before = pool.pooledCount();
        for (int i = 0; i < 200; i++) { // one request after another, each on a virtual thread of its own
            AtomicReference<byte[]> answer = new AtomicReference<>();
            Thread.ofVirtual().start(() -> {
                try {
                    answer.set(Json.mapper().writeValueAsBytes(body));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).join();
            assertArrayEquals(expected, answer.get());
        }
        int after = pool.pooledCount();
        assertTrue(before >= 1 && after <= before + 2, "buffers reused, not made per thread: pooled " + before + " before, " + after + " after");
    }

    @Test
    void threadsParkedWhileSerializing_leaveNoMoreBuffersThanThePoolKeeps() throws Exception {
        RecyclerPool<?> pool = Json.mapper().getFactory()._getRecyclerPool();
        CountDownLatch release = new CountDownLatch(1);
        Object slow = new Object() {
            @JsonValue
            String value() throws InterruptedException {
                release.await(); // parked mid-answer, holding its buffers
                return "v";
            }
        };
        List<Thread> parked = new ArrayList<>();
        for (int i = 0; i < 10 * Json.BUFFER_SETS; i++) {
            parked.add(Thread.ofVirtual().start(() -> {
                try {
                    Json.mapper().writeValueAsBytes(Map.of("k", slow));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        release.countDown();
        for (Thread t : parked) {
            t.join();
        }
        assertTrue(pool.pooledCount() <= Json.BUFFER_SETS, "kept at most " + Json.BUFFER_SETS + ": " + pool.pooledCount());
    }
}
