package dev.vortex.ws;

import dev.vortex.ops.BackgroundPriority;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Renders for a change in parallel and waits for all: a change to a file every application reads
 * re-renders thousands of targets once each, while the hub thread waits. At most all cores but one
 * render at once, each taking the next item until none is left (one task per item cost a park and an
 * unpark per item, a tenth of a 20,000-target re-render). They are platform threads of the process's
 * one render pool, each at a lower CPU priority ({@link BackgroundPriority}): requests are served by
 * virtual threads on the carrier threads, and a request must get a core before a re-render does
 * (measured on 2 cores: with every core rendering, GET p99 rose tenfold; with one core rendering at
 * the same priority as serving, 2-3×; at nice 6, 1.5-2.0× in five of six runs). A change to one target
 * renders on the hub thread itself, at its priority, as a push is latency and not bulk. The function
 * must be thread-safe and never throw ({@link GuardedFeed} catches).
 */
final class Parallel {
    private static final int RENDERERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    // threads made on the first change that needs them, then kept (daemon threads: they never hold the exit)
    private static final ExecutorService POOL = Executors.newFixedThreadPool(RENDERERS, task -> Thread.ofPlatform().daemon()
            .name("vortex-ws-render").unstarted(() -> {
                BackgroundPriority.lowerCurrentThread();
                task.run();
            }));

    private Parallel() {
    }

    static <T, R> List<R> map(List<T> items, Function<T, R> fn) {
        if (items.size() < 2) {
            return items.stream().map(fn).toList();
        }
        Object[] out = new Object[items.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        Runnable worker = () -> {
            try {
                for (int i = next.getAndIncrement(); i < out.length; i = next.getAndIncrement()) {
                    out[i] = fn.apply(items.get(i));
                }
            } catch (RuntimeException e) {
                next.set(out.length); // the others stop too
                failed.compareAndSet(null, e);
            }
        };
        int n = Math.min(RENDERERS, items.size());
        List<Future<?>> running = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                running.add(POOL.submit(worker));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            next.set(out.length);
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering a change", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rendering a change failed", e.getCause());
        }
        if (failed.get() != null) {
            throw new IllegalStateException("rendering a change failed", failed.get());
        }
        @SuppressWarnings("unchecked")
        List<R> results = (List<R>) Arrays.asList(out);
        return results;
    }
}
