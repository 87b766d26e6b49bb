package dev.vortex.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Renders for a change in parallel, one virtual thread per item, and waits for all: a change to a
 * file every application reads re-renders thousands of targets once each, while the hub thread
 * waits. At most all cores but one render at once: HTTP requests run on the same carrier threads,
 * and serving must not queue behind a re-render (measured: with every core rendering, GET p99 rose
 * tenfold on 2 cores). The function must be thread-safe and never throw ({@link GuardedFeed} catches).
 */
final class Parallel {
    private static final int RENDERERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    private Parallel() {
    }

    static <T, R> List<R> map(List<T> items, Function<T, R> fn) {
        if (items.size() < 2) {
            return items.stream().map(fn).toList();
        }
        List<R> out = new ArrayList<>(items.size());
        Semaphore cores = new Semaphore(RENDERERS);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(threads.submit(() -> {
                    cores.acquire();
                    try {
                        return fn.apply(item);
                    } finally {
                        cores.release();
                    }
                }));
            }
            for (Future<R> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering a change", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rendering a change failed", e.getCause());
        }
        return out;
    }
}
