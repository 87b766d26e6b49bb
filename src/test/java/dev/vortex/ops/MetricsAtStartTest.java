package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.TestRepo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every counter whose label values are known at start has a sample from the first scrape (0 until
 * its first event), so {@code rate()} and alerts work from the start, as Prometheus practice asks.
 */
class MetricsAtStartTest {
    @TempDir
    Path tmp;

    @Test
    void everyFamilyHasASampleAtStart() {
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("application.yml", "a: 1\n").commit("one");
        try (LiveDaemon d = LiveDaemon.start(tmp, repo)) {
            String text = d.get("/metrics").body();
            Set<String> declared = new LinkedHashSet<>();
            Set<String> sampled = new LinkedHashSet<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    declared.add(line.split(" ")[2]);
                } else if (!line.startsWith("#") && !line.isBlank()) {
                    sampled.add(line.split("[{ ]")[0].replaceAll("_(bucket|sum|count)$", ""));
                }
            }
            List<String> empty = new ArrayList<>(declared);
            empty.removeAll(sampled);
            // one series per file that does not parse, named by file and line: none while every file parses
            empty.remove("vortex_config_unparseable");
            assertEquals(List.of(), empty, "families with only HELP/TYPE lines at start:\n" + text);
            for (String series : List.of("vortex_webhook_requests_total{result=\"unauthorized\"}",
                    "vortex_ws_closed_total{code=\"4401\"}", "vortex_ws_rejected_total{reason=\"too_many_sessions\"}",
                    "vortex_ws_messages_sent_total{type=\"config_change\"}", "vortex_refresh_requests_total{source=\"sighup\"}",
                    "vortex_sync_runs_total{repo=\"repo\",result=\"failed\"}", "vortex_commit_refused_total{repo=\"repo\"}",
                    "vortex_render_errors_total{repo=\"repo\"}")) {
                assertTrue(text.contains("\n" + series + " 0\n"), series + " 0 missing from:\n" + text);
            }
        }
    }
}
