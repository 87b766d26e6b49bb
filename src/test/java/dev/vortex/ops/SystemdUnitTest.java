package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped unit says what ARCHITECTURE.md asks, and systemd itself accepts it where it is installed. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("systemd/vortexd.service");

    @Test
    void unit_reloadsWithHup_andDoesNotRestartOnConfigErrors() throws IOException {
        String unit = Files.readString(UNIT);
        for (String line : new String[] {"ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "RestartPreventExitStatus=78",
                "StateDirectory=vortex", "DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
                "TimeoutStopSec=35"}) {
            assertTrue(unit.lines().anyMatch(line::equals), "missing: " + line);
        }
    }

    @Test
    void unit_runsASmallJvmWithAClassDataSharingArchiveInItsCacheDirectory() throws IOException {
        String unit = Files.readString(UNIT);
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();

        assertTrue(unit.lines().anyMatch("CacheDirectory=vortex"::equals), "the archive needs a writable directory");
        for (String option : new String[] {"-XX:+UseSerialGC", "-Xmx256m", "-Djdk.reflect.useNativeAccessorOnly=true", "-XX:SharedArchiveFile=/var/cache/vortex/vortexd.jsa",
                "-XX:+AutoCreateSharedArchive"}) {
            assertTrue(exec.contains(" " + option + " "), "ExecStart without " + option + ": " + exec);
        }
    }

    @Test
    void unit_leavesDataDirToTheConfigFile_andChecksItBeforeReloading() throws IOException {
        String unit = Files.readString(UNIT);
        assertFalse(unit.lines().anyMatch(l -> l.startsWith("Environment=VORTEX_DATA_DIR")), unit);
        assertTrue(unit.lines().anyMatch(l -> l.startsWith("ExecReload=") && l.contains("--check-config --config=/etc/vortex/vortex.yml")), unit);
    }

    @Test
    void systemdAnalyzeVerify_passes() throws Exception {
        verify(UNIT);
    }

    /** {@code systemd-analyze verify}: quiet and 0. Skipped where systemd is missing, except under CI=true, where that fails. */
    static void verify(Path unit) throws Exception {
        Path tool = Path.of("/usr/bin/systemd-analyze");
        Tools.require(Files.isExecutable(tool), "/usr/bin/systemd-analyze not installed (apt-get install -y systemd)");
        Process p = new ProcessBuilder(tool.toString(), "verify", unit.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.isBlank(), out);
    }
}
