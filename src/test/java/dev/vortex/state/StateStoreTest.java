package dev.vortex.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.ops.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    static final String C1 = "1".repeat(40);
    static final String C2 = "2".repeat(40);
    static final String C3 = "3".repeat(40);

    @TempDir
    Path tmp;
    private final Metrics metrics = new Metrics();

    private static RepoState state(Map<String, String> commits) {
        return new RepoState(commits, RepoStatus.initial(List.of("https://h/x.git")));
    }

    private StateStore store() {
        return new StateStore(StateFile.in(tmp), metrics, Runnable::run);
    }

    @Test
    void publish_isVisibleToReaders() {
        StateStore s = store();

        s.publish("shop", state(Map.of("main", C1)));

        assertEquals(Optional.of(C1), s.servedCommit("shop", "main"));
        assertEquals(Optional.empty(), s.servedCommit("shop", "dev"));
        assertTrue(s.snapshot().servesAll(List.of("shop")));
        assertFalse(s.snapshot().servesAll(List.of("shop", "other")));
        assertEquals(1, s.snapshot().version());
    }

    @Test
    void publish_emitsOneEventPerMovedLabel() {
        StateStore s = store();
        List<ChangeEvent> events = new ArrayList<>();
        s.addListener(events::add);
        s.publish("shop", state(Map.of("main", C1, "old", C1)));
        events.clear();

        s.publish("shop", state(Map.of("main", C2, "new", C3)));

        assertEquals(List.of(new ChangeEvent("shop", "main", C1, C2), new ChangeEvent("shop", "new", null, C3),
                new ChangeEvent("shop", "old", C1, null)), events);
    }

    @Test
    void remove_endsEveryLabelOfTheRepos_andStateJsonForgetsThem() {
        StateStore s = store();
        s.publishAll(Map.of("shop", state(Map.of("main", C1, "dev", C2)), "billing", state(Map.of("main", C3))));
        List<ChangeEvent> events = new ArrayList<>();
        s.addListener(events::add);

        s.remove(List.of("shop"));

        assertEquals(List.of(new ChangeEvent("shop", "dev", C2, null), new ChangeEvent("shop", "main", C1, null)), events);
        assertTrue(s.snapshot().repo("shop").isEmpty());
        assertEquals(Optional.of(C3), s.servedCommit("billing", "main"));
        assertEquals(Map.of("billing", Map.of("main", C3)), StateFile.in(tmp).read());
    }

    @Test
    void listenerThrows_othersStillCalledAndErrorCounted() {
        StateStore s = store();
        List<ChangeEvent> seen = new ArrayList<>();
        s.addListener(e -> {
            throw new IllegalStateException("boom");
        });
        s.addListener(seen::add);

        s.publish("shop", state(Map.of("main", C1)));

        assertEquals(1, seen.size());
        assertEquals(1, metrics.counter("vortex_state_listener_errors_total", "").value());
    }

    @Test
    void listener_seesTheNewSnapshotAlready() {
        StateStore s = store();
        List<Optional<String>> seen = new ArrayList<>();
        s.addListener(e -> seen.add(s.servedCommit(e.repo(), e.label())));

        s.publish("shop", state(Map.of("main", C1)));

        assertEquals(List.of(Optional.of(C1)), seen);
    }

    @Test
    void commitChange_writesStateFile_andRestartReadsIt() {
        StateStore s = store();
        s.publish("shop", state(Map.of("main", C1)));

        StateStore restarted = store();

        assertEquals(Map.of("shop", Map.of("main", C1)), restarted.stored());
        assertEquals(0, restarted.snapshot().repos().size(), "stored commits are not served until the engine publishes them");
    }

    @Test
    void statusOnlyPublish_doesNotWriteTheFile() throws IOException {
        List<byte[]> writes = new ArrayList<>();
        StateStore s = new StateStore(new StateFile(tmp.resolve("state.json"), (p, b) -> writes.add(b)), metrics, Runnable::run);
        s.publish("shop", state(Map.of("main", C1)));

        s.publish("shop", new RepoState(Map.of("main", C1), new RepoStatus(Optional.empty(), Optional.empty(),
                Optional.empty(), 5, 0, List.of(), List.of())));

        assertEquals(1, writes.size());
    }

    @Test
    void failingWrite_keepsOldFileAndIsCountedAndRetriedNextTime() throws IOException {
        StateStore ok = store();
        ok.publish("shop", state(Map.of("main", C1)));
        String before = Files.readString(tmp.resolve("state.json"));
        boolean[] fail = {true};
        StateStore s = new StateStore(new StateFile(tmp.resolve("state.json"), (p, b) -> {
            if (fail[0]) {
                throw new IOException("disk full");
            }
            StateFile.writeAtomically(p, b);
        }), metrics, Runnable::run);

        s.publish("shop", state(Map.of("main", C2)));

        assertEquals(before, Files.readString(tmp.resolve("state.json")));
        assertEquals(1, metrics.counter("vortex_state_write_failures_total", "").value());
        assertEquals(Optional.of(C2), s.servedCommit("shop", "main"), "serving goes on");

        fail[0] = false;
        s.publish("shop", state(Map.of("main", C2, "dev", C3)));
        assertEquals(Map.of("shop", Map.of("main", C2, "dev", C3)), StateFile.in(tmp).read());
    }

    @Test
    void burstOfPublishes_isOneWriteOfTheNewest_behindThePublisher() {
        List<Runnable> queued = new ArrayList<>();
        List<String> written = new ArrayList<>();
        StateStore s = new StateStore(new StateFile(tmp.resolve("state.json"), (p, b) -> written.add(new String(b))),
                metrics, queued::add);

        s.publish("shop", state(Map.of("main", C1)));
        s.publish("shop", state(Map.of("main", C2)));
        s.publish("shop", state(Map.of("main", C3)));

        assertEquals(1, queued.size(), "one writer at a time");
        assertEquals(List.of(), written, "the publisher did not wait for the disk");
        queued.get(0).run();
        assertEquals(1, written.size());
        assertTrue(written.get(0).contains(C3));
    }

    @Test
    void flush_writesWhatIsPending() {
        List<Runnable> queued = new ArrayList<>();
        StateStore s = new StateStore(StateFile.in(tmp), metrics, queued::add);
        s.publish("shop", state(Map.of("main", C1)));

        s.flush();

        assertEquals(Map.of("shop", Map.of("main", C1)), StateFile.in(tmp).read());
    }

    @Test
    void publishAll_replacesSeveralReposInOneVersion() {
        StateStore s = store();
        s.publish("a", state(Map.of("main", C1)));

        s.publishAll(Map.of("a", state(Map.of("main", C2)), "b", state(Map.of("main", C3))));

        assertEquals(2, s.snapshot().version());
        assertEquals(Map.of("main", C2), s.snapshot().commits("a"));
        assertEquals(Map.of("main", C3), s.snapshot().commits("b"));
    }

    @Test
    void concurrentPublishers_loseNoUpdate() throws Exception {
        StateStore s = store();
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        s.addListener(events::add);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            String repo = "r" + r;
            done.add(pool.submit(() -> {
                s.publish(repo, state(Map.of("main", C1)));
                s.publish(repo, state(Map.of("main", C2)));
                s.snapshot();
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        Map<String, Map<String, String>> expected = new HashMap<>();
        for (int r = 0; r < 40; r++) {
            expected.put("r" + r, Map.of("main", C2));
            assertEquals(Optional.of(C2), s.servedCommit("r" + r, "main"));
        }
        assertEquals(80, events.size());
        assertEquals(80, s.snapshot().version());
        assertEquals(expected, StateFile.in(tmp).read());
    }
}
