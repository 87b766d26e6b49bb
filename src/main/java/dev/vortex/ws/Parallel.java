package dev.vortex.ws;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Renders for a change in parallel and waits for all: a change to a file every application reads
 * re-renders thousands of targets once each, while the hub thread waits. At most all cores but one
 * render at once, each a virtual thread taking the next item until none is left: HTTP requests run
 * on the same carrier threads, and serving must not queue behind a re-render (measured: with every
 * core rendering, GET p99 rose tenfold on 2 cores). One thread per item behind a semaphore cost a
 * park and an unpark per item (a tenth of a 20,000-target re-render). The function must be
 * thread-safe and never throw ({@link GuardedFeed} catches).
 */
final class Parallel {
    private static final int RENDERERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

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
        List<Thread> threads = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().name("vortex-ws-render").start(worker));
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering a change", e);
        }
        if (failed.get() != null) {
            throw new IllegalStateException("rendering a change failed", failed.get());
        }
        @SuppressWarnings("unchecked")
        List<R> results = (List<R>) Arrays.asList(out);
        return results;
    }
}
