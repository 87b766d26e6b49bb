package dev.vortex.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small registry of counters, gauges and histograms, rendered in the Prometheus text format
 * 0.0.4. Every name gets the {@code vortex_} prefix from its caller; registering a name twice
 * returns the existing family, so components can be built independently.
 */
public final class Metrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();

    public Counter counter(String name, String help, String... labelNames) {
        return (Counter) families.computeIfAbsent(name, n -> new Counter(n, help, labelNames));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return (Gauge) families.computeIfAbsent(name, n -> new Gauge(n, help, labelNames));
    }

    /**
     * A gauge whose value is read at scrape time. Registering the name again replaces the supplier:
     * a component rebuilt by a configuration reload reports instead of the one it replaced.
     */
    public void gauge(String name, String help, DoubleSupplier value) {
        families.put(name, new SuppliedGauge(name, help, value));
    }

    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return (Histogram) families.computeIfAbsent(name, n -> new Histogram(n, help, buckets, labelNames));
    }

    /**
     * Gives the counter {@code name} a series for {@code labelValues} at 0, so a label value known
     * at start has a sample before its first event ({@code rate()} and alerts need one).
     */
    public void startAtZero(String name, String... labelValues) {
        if (!(families.get(name) instanceof Counter c)) {
            throw new IllegalStateException("no counter " + name + " registered");
        }
        c.add(0, labelValues);
    }

    /** Default latency buckets in seconds, 1 ms to 60 s. */
    public static double[] latencyBuckets() {
        return new double[] {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    }

    public String scrape() {
        StringBuilder sb = new StringBuilder(4096);
        for (Family f : families.values()) {
            sb.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
            sb.append("# TYPE ").append(f.name).append(' ').append(f.type()).append('\n');
            f.write(sb);
        }
        return sb.toString();
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String labels(String[] names, List<String> values, String extraName, String extraValue) {
        if (names.length == 0 && extraName == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(names[i]).append("=\"").append(escapeLabel(values.get(i))).append('"');
        }
        if (extraName != null) {
            if (names.length > 0) {
                sb.append(',');
            }
            sb.append(extraName).append("=\"").append(extraValue).append('"');
        }
        return sb.append('}').toString();
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** One metric name with its help text and type. */
    public abstract static sealed class Family permits Counter, Gauge, SuppliedGauge, Histogram {
        final String name;
        final String help;
        final String[] labelNames;

        Family(String name, String help, String[] labelNames) {
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new IllegalArgumentException("bad metric name: " + name);
            }
            this.name = name;
            this.help = help;
            this.labelNames = labelNames.clone();
        }

        abstract String type();

        abstract void write(StringBuilder sb);

        List<String> key(String[] values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes labels " + Arrays.toString(labelNames)
                        + ", got " + Arrays.toString(values));
            }
            List<String> key = new ArrayList<>(values.length);
            for (String v : values) {
                key.add(v == null ? "" : v);
            }
            return List.copyOf(key);
        }
    }

    /** A monotonically increasing count, one series per label combination. */
    public static final class Counter extends Family {
        private final Map<List<String>, DoubleAdder> series = new ConcurrentHashMap<>();

        Counter(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
            if (labelNames.length == 0) {
                series.put(List.of(), new DoubleAdder());
            }
        }

        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        public void add(double amount, String... labelValues) {
            series(labelValues).add(amount);
        }

        /** The series of these label values, for a hot path to add to without looking it up each time. */
        public DoubleAdder series(String... labelValues) {
            return series.computeIfAbsent(key(labelValues), k -> new DoubleAdder());
        }

        public double value(String... labelValues) {
            DoubleAdder a = series.get(key(labelValues));
            return a == null ? 0 : a.sum();
        }

        @Override
        String type() {
            return "counter";
        }

        @Override
        void write(StringBuilder sb) {
            series.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Object::toString)))
                    .forEach(e -> sb.append(name).append(labels(labelNames, e.getKey(), null, null))
                            .append(' ').append(number(e.getValue().sum())).append('\n'));
        }
    }

    /** A value that goes up and down, set by its owner. */
    public static final class Gauge extends Family {
        private final Map<List<String>, double[]> series = new ConcurrentHashMap<>();

        Gauge(String name, String help, String[] labelNames) {
            super(name, help, labelNames);
        }

        public void set(double value, String... labelValues) {
            double[] cell = series.computeIfAbsent(key(labelValues), k -> new double[1]);
            synchronized (cell) {
                cell[0] = value;
            }
        }

        public void add(double delta, String... labelValues) {
            double[] cell = series.computeIfAbsent(key(labelValues), k -> new double[1]);
            synchronized (cell) {
                cell[0] += delta;
            }
        }

        public double value(String... labelValues) {
            double[] cell = series.get(key(labelValues));
            if (cell == null) {
                return 0;
            }
            synchronized (cell) {
                return cell[0];
            }
        }

        /** Drops a series, e.g. for a repository that is no longer configured. */
        public void remove(String... labelValues) {
            series.remove(key(labelValues));
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void write(StringBuilder sb) {
            series.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Object::toString)))
                    .forEach(e -> sb.append(name).append(labels(labelNames, e.getKey(), null, null))
                            .append(' ').append(number(value(e.getKey().toArray(String[]::new)))).append('\n'));
        }
    }

    static final class SuppliedGauge extends Family {
        private final DoubleSupplier value;

        SuppliedGauge(String name, String help, DoubleSupplier value) {
            super(name, help, new String[0]);
            this.value = value;
        }

        @Override
        String type() {
            return "gauge";
        }

        @Override
        void write(StringBuilder sb) {
            sb.append(name).append(' ').append(number(value.getAsDouble())).append('\n');
        }
    }

    /** Cumulative buckets plus sum and count, one series per label combination. */
    public static final class Histogram extends Family {
        private final double[] bounds;
        private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

        Histogram(String name, String help, double[] bounds, String[] labelNames) {
            super(name, help, labelNames);
            this.bounds = bounds.clone();
            Arrays.sort(this.bounds);
            if (labelNames.length == 0) {
                series.put(List.of(), new Series(this.bounds.length));
            }
        }

        public void observe(double value, String... labelValues) {
            Series s = series.computeIfAbsent(key(labelValues), k -> new Series(bounds.length));
            int i = Arrays.binarySearch(bounds, value);
            int idx = i >= 0 ? i : -i - 1;
            s.buckets[idx].increment();
            s.sum.add(value);
        }

        /** Observes the seconds elapsed since {@code startNanos} (from {@link System#nanoTime()}). */
        public void observeSince(long startNanos, String... labelValues) {
            observe((System.nanoTime() - startNanos) / 1e9, labelValues);
        }

        public long count(String... labelValues) {
            Series s = series.get(key(labelValues));
            if (s == null) {
                return 0;
            }
            long n = 0;
            for (LongAdder b : s.buckets) {
                n += b.sum();
            }
            return n;
        }

        @Override
        String type() {
            return "histogram";
        }

        @Override
        void write(StringBuilder sb) {
            series.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Object::toString)))
                    .forEach(e -> {
                        long cumulative = 0;
                        for (int i = 0; i <= bounds.length; i++) {
                            cumulative += e.getValue().buckets[i].sum();
                            String le = i < bounds.length ? number(bounds[i]) : "+Inf";
                            sb.append(name).append("_bucket").append(labels(labelNames, e.getKey(), "le", le))
                                    .append(' ').append(cumulative).append('\n');
                        }
                        String l = labels(labelNames, e.getKey(), null, null);
                        sb.append(name).append("_sum").append(l).append(' ').append(number(e.getValue().sum.sum())).append('\n');
                        sb.append(name).append("_count").append(l).append(' ').append(cumulative).append('\n');
                    });
        }

        private static final class Series {
            final LongAdder[] buckets;
            final DoubleAdder sum = new DoubleAdder();

            Series(int n) {
                buckets = new LongAdder[n + 1];
                for (int i = 0; i <= n; i++) {
                    buckets[i] = new LongAdder();
                }
            }
        }
    }
}
