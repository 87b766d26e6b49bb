package dev.vortex.state;

import dev.vortex.config.RepoConfig;
import dev.vortex.ops.Log;
import dev.vortex.ops.Metrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * The current {@link Snapshot}. Readers ({@link #snapshot()}, {@link #servedCommit}) take an
 * optimistic stamp and never block a publisher. Publishers are serialized among themselves, build
 * the next snapshot outside the {@code StampedLock}, and hold its write lock only to swap one
 * reference. Listeners run after the swap on the publishing thread; state.json is written behind
 * it by one writer at a time, always the newest commits (a burst of publishes is one write), so
 * no sync waits for an fsync. {@link #flush()} writes what is pending, for shutdown.
 */
public final class StateStore {
    private static final Log LOG = Log.of(StateStore.class);

    private final StampedLock lock = new StampedLock();
    private final ReentrantLock publishers = new ReentrantLock();
    private final Object fileLock = new Object();
    private final StateFile file;
    private final Map<String, Map<String, String>> stored;
    private final Map<String, Map<String, List<String>>> storedFallbacks;
    private final Optional<Map<String, Map<String, List<BrokenFile>>>> storedBroken;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Metrics.Counter listenerErrors;
    private final Metrics.Counter writeFailures;
    private final Executor writer;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean writing = new AtomicBoolean();
    private Snapshot current = Snapshot.empty();
    private List<Object> written;

    /** Reads {@code file} once; its content is {@link #stored()} until the engine publishes. */
    public StateStore(StateFile file, Metrics metrics) {
        this(file, metrics, task -> Thread.ofVirtual().name("vortex-state-writer").start(task));
    }

    /** With the executor state.json writes run on ({@code Runnable::run} writes before publish returns). */
    StateStore(StateFile file, Metrics metrics, Executor writer) {
        this.file = file;
        this.writer = writer;
        this.stored = file.read();
        this.storedFallbacks = file.readFallbacks();
        this.storedBroken = file.readBroken();
        this.written = List.of(stored, storedFallbacks, storedBroken); // a file without check results is written again
        this.listenerErrors = metrics.counter("vortex_state_listener_errors_total",
                "Change listeners that threw (logged and skipped)");
        this.writeFailures = metrics.counter("vortex_state_write_failures_total",
                "Failed writes of state.json (the previous file is kept)");
    }

    /** Repository → label → commit as found in state.json at start. */
    public Map<String, Map<String, String>> stored() {
        return stored;
    }

    /** Repository → label → fallback commits as found in state.json at start (see {@link Holdback}). */
    public Map<String, Map<String, List<String>>> storedFallbacks() {
        return storedFallbacks;
    }

    /**
     * Repository → label → the files of its stored commit that do not parse, as the check found them
     * before the restart; empty when state.json does not say (then restored commits are checked again).
     */
    public Optional<Map<String, Map<String, List<BrokenFile>>>> storedBroken() {
        return storedBroken;
    }

    public void addListener(ChangeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public Snapshot snapshot() {
        long stamp = lock.tryOptimisticRead();
        Snapshot s = current;
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                s = current;
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return s;
    }

    public Optional<String> servedCommit(String repo, String label) {
        return snapshot().servedCommit(repo, label);
    }

    /** {@link Snapshot#defaultLabel} of the current snapshot. */
    public String defaultLabel(RepoConfig repo) {
        return snapshot().defaultLabel(repo);
    }

    public void publish(String repo, RepoState state) {
        publishAll(Map.of(repo, state));
    }

    /**
     * Makes {@code updates} visible in one atomic step (a full reload passes every repository), then
     * tells listeners about each moved label and writes state.json if any commit moved.
     */
    public void publishAll(Map<String, RepoState> updates) {
        List<ChangeEvent> events = swap(before -> before.with(updates), (before, out) ->
                new TreeMap<>(updates).forEach((repo, state) -> diff(repo, before.commits(repo), state.commits(), out)));
        for (ChangeEvent e : events) {
            notifyListeners(e);
        }
        if (!events.isEmpty()) {
            persistSoon();
        }
    }

    /**
     * Stops serving {@code repos} (removed from the configuration): listeners hear each of their
     * labels go (new commit {@code null}) and state.json forgets them.
     */
    public void remove(java.util.Collection<String> repos) {
        List<ChangeEvent> events = swap(before -> before.without(repos), (before, out) ->
                new TreeSet<>(repos).forEach(repo -> diff(repo, before.commits(repo), Map.of(), out)));
        events.forEach(this::notifyListeners);
        persistSoon();
    }

    /**
     * Replaces the snapshot by {@code change} of it (publishers one at a time, readers never
     * blocked for more than the swap) and returns the label moves {@code moves} finds against the
     * snapshot before.
     */
    private List<ChangeEvent> swap(java.util.function.UnaryOperator<Snapshot> change,
                                   java.util.function.BiConsumer<Snapshot, List<ChangeEvent>> moves) {
        List<ChangeEvent> events = new ArrayList<>();
        publishers.lock();
        try {
            Snapshot before = current;
            Snapshot next = change.apply(before);
            long stamp = lock.writeLock();
            try {
                current = next;
            } finally {
                lock.unlockWrite(stamp);
            }
            moves.accept(before, events);
        } finally {
            publishers.unlock();
        }
        return events;
    }

    private static void diff(String repo, Map<String, String> old, Map<String, String> now, List<ChangeEvent> out) {
        TreeSet<String> labels = new TreeSet<>(old.keySet());
        labels.addAll(now.keySet());
        for (String label : labels) {
            String o = old.get(label);
            String n = now.get(label);
            if (!Objects.equals(o, n)) {
                out.add(new ChangeEvent(repo, label, o, n));
            }
        }
    }

    private void notifyListeners(ChangeEvent e) {
        for (ChangeListener l : listeners) {
            try {
                l.onChange(e);
            } catch (RuntimeException ex) {
                listenerErrors.inc();
                LOG.error("change listener failed", ex, "listener", l.getClass().getName(), "repo", e.repo(), "label", e.label());
            }
        }
    }

    /** Writes state.json now if it lags the served commits (shutdown calls this after the last publish). */
    public void flush() {
        writeLatest();
    }

    private void persistSoon() {
        dirty.set(true);
        if (writing.compareAndSet(false, true)) {
            writer.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (dirty.getAndSet(false)) {
                writeLatest();
            }
        } finally {
            writing.set(false);
        }
        if (dirty.get()) {
            persistSoon(); // a publish came between the last check and the release
        }
    }

    /** Writes the newest served commits unless the file already holds them; a failure keeps the old file. */
    private void writeLatest() {
        synchronized (fileLock) {
            Map<String, Map<String, String>> commits = new TreeMap<>();
            Map<String, Map<String, List<String>>> fallbacks = new TreeMap<>();
            Map<String, Map<String, List<BrokenFile>>> broken = new TreeMap<>();
            snapshot().repos().forEach((repo, state) -> {
                if (!state.commits().isEmpty()) {
                    commits.put(repo, state.commits());
                }
                Map<String, List<String>> held = new TreeMap<>();
                Map<String, List<BrokenFile>> files = new TreeMap<>();
                state.holdbacks().forEach((label, h) -> {
                    if (!h.fallbacks().isEmpty()) {
                        held.put(label, h.fallbacks());
                    }
                    if (!h.broken().isEmpty()) {
                        files.put(label, h.broken());
                    }
                });
                if (!files.isEmpty()) {
                    broken.put(repo, files);
                }
                if (!held.isEmpty()) {
                    fallbacks.put(repo, held);
                }
            });
            List<Object> content = List.of(commits, fallbacks, Optional.of(broken));
            if (content.equals(written)) {
                return;
            }
            try {
                file.write(commits, fallbacks, broken);
                written = content;
            } catch (IOException | RuntimeException e) {
                writeFailures.inc();
                LOG.error("state file not written, the previous one is kept", "file", file.path(),
                        "err", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
