package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushTimelineTest {

    @AfterEach
    void restore() throws IOException {
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    void debug_eachStageWithMillisecondsSinceTheTrigger_perRepository() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.install("debug", out);
        PushTimeline.begin("timeline-a", "trigger webhook");
        PushTimeline.mark("timeline-a", "fetched");
        PushTimeline.mark("timeline-b", "run started"); // never triggered: counts from its first stage
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("push timeline")).toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("repo=timeline-a stage=\"trigger webhook\" at_ms=0.00"), lines.get(0));
        assertTrue(lines.get(1).matches(".*repo=timeline-a stage=fetched at_ms=\\d+\\.\\d\\d$"), lines.get(1));
        assertTrue(lines.get(2).contains("repo=timeline-b stage=\"run started\" at_ms=0.00"), lines.get(2));
    }

    @Test
    void info_nothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.install("info", out);
        PushTimeline.begin("timeline-c", "trigger api");
        PushTimeline.mark("timeline-c", "fetched");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
