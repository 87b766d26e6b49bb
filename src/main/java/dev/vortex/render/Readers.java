package dev.vortex.render;

import dev.vortex.state.BrokenFile;
import java.util.List;

/**
 * Which applications read a configuration file, by its name as {@link Environments} looks files up:
 * {@code application[-{profile}].*} is read by every application, {@code {app}[-{profile}].*} by
 * {@code app}. In a directory a {@code {application}} search path matched, only by that application.
 * Names the status, the log and the metric show; serving decides per request by rendering.
 */
final class Readers {
    private static final String APPLICATION = "application";

    private Readers() {
    }

    /** The readers of {@code fileName} in {@code dir} among the commit's applications, sorted; {@code ["*"]} for all. */
    static List<String> of(String fileName, SearchPaths.Match dir, Inventory inventory) {
        String stem = fileName.substring(0, fileName.lastIndexOf('.'));
        String dirApp = dir.placeholders().get(APPLICATION);
        if (stem.equals(APPLICATION) || stem.startsWith(APPLICATION + "-")) {
            return dirApp != null ? List.of(dirApp) : List.of(BrokenFile.EVERY_APP);
        }
        return inventory.apps().stream()
                .filter(app -> stem.equals(app) || stem.startsWith(app + "-"))
                .filter(app -> dirApp == null || dirApp.equals(app))
                .toList();
    }
}
