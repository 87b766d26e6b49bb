package dev.vortex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table {@code make bench} prints: figure, value, baseline measured in the same run, ratio. */
public final class Table {
    private record Row(String figure, String value, String baseline, String ratio) {
    }

    private final List<Row> rows = new ArrayList<>();

    /** A figure with its same-run baseline; ratio = value / baseline. */
    public void add(String figure, double value, double baseline, String unit) {
        String ratio = baseline > 0 ? String.format(Locale.ROOT, "%.2f×", value / baseline) : "—";
        rows.add(new Row(figure, fmt(value, unit), baseline > 0 ? fmt(baseline, unit) : "—", ratio));
        System.out.printf(Locale.ROOT, "  %s = %s (baseline %s)%n", figure, fmt(value, unit), baseline > 0 ? fmt(baseline, unit) : "—");
    }

    /** A figure with no baseline (a count, a bound that must hold). */
    public void add(String figure, String value, String note) {
        rows.add(new Row(figure, value, note, "—"));
        System.out.printf(Locale.ROOT, "  %s = %s (%s)%n", figure, value, note);
    }

    static String fmt(double v, String unit) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f %s", v, unit).trim();
        }
        return String.format(Locale.ROOT, "%.2f %s", v, unit).trim();
    }

    /** Markdown, ready to paste into README "Measured". */
    public String render() {
        StringBuilder sb = new StringBuilder("| figure | value | baseline (same run) | ratio |\n|---|---|---|---|\n");
        rows.forEach(r -> sb.append("| ").append(r.figure).append(" | ").append(r.value).append(" | ")
                .append(r.baseline).append(" | ").append(r.ratio).append(" |\n"));
        return sb.toString();
    }
}
