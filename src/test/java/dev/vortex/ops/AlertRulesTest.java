package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vortex.testing.LiveDaemon;
import dev.vortex.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus rules ({@code etc/prometheus/vortex-alerts.yml}) and the runbook stay in
 * step with each other and with the metrics a running daemon really exports: an alert on a metric
 * that was renamed would never fire.
 */
class AlertRulesTest {
    private static final Path RULES = Path.of("etc/prometheus/vortex-alerts.yml");
    private static final Path RUNBOOK = Path.of("RUNBOOK.md");
    private static final Pattern METRIC = Pattern.compile("\\bvortex_[a-z_]+");
    private static final Pattern HEADING = Pattern.compile("(?m)^## (\\S+)$");

    @TempDir
    Path tmp;

    @Test
    void everyAlertHasARunbookSectionAndEverySectionAnAlert() throws IOException {
        String runbook = Files.readString(RUNBOOK);
        Set<String> sections = new TreeSet<>();
        Matcher h = HEADING.matcher(runbook);
        while (h.find()) {
            sections.add(h.group(1));
        }
        Set<String> alerts = new TreeSet<>();
        for (JsonNode rule : rules()) {
            String name = rule.path("alert").asText();
            assertFalse(name.isEmpty(), "a rule without a name: " + rule);
            assertFalse(rule.path("expr").asText().isBlank(), name + ": no expr");
            assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + ": no summary");
            assertTrue(Set.of("page", "ticket").contains(rule.path("labels").path("severity").asText()), name + ": severity");
            assertEquals("RUNBOOK.md#" + name.toLowerCase(), rule.path("annotations").path("runbook").asText(), name);
            alerts.add(name);
        }
        assertEquals(alerts, sections, "alerts in the rules file vs sections of RUNBOOK.md");
    }

    @Test
    void everyMetricTheRulesReadIsExportedByARunningDaemon() throws IOException {
        Set<String> used = new TreeSet<>();
        for (JsonNode rule : rules()) {
            Matcher m = METRIC.matcher(rule.path("expr").asText());
            while (m.find()) {
                used.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
            }
        }
        assertFalse(used.isEmpty());
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("application.yml", "a: 1\n");
        repo.commit("first");
        try (LiveDaemon live = LiveDaemon.start(tmp, repo)) {
            String exported = live.get("/metrics").body();
            List<String> missing = new ArrayList<>();
            for (String name : used) {
                if (!exported.contains("# TYPE " + name + " ")) {
                    missing.add(name);
                }
            }
            assertEquals(List.of(), missing, "metrics read by alert rules but not exported");
        }
    }

    private static List<JsonNode> rules() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        List<JsonNode> out = new ArrayList<>();
        doc.path("groups").forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }
}
