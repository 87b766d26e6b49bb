package dev.vortex.testing;

import dev.vortex.config.RepoConfig;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The mirror of one repository {@code cfg} a test opens, closed after the test: a JUnit extension
 * ({@code @RegisterExtension final OneMirror mirrors = new OneMirror();}).
 */
public final class OneMirror implements AfterEachCallback {
    private Mirrors mirrors;

    /** Opens (under {@code dir}) the mirror of {@code cfg} with {@code urls}, primary first. */
    public Mirror open(Path dir, String... urls) throws IOException {
        RepoConfig repo = new RepoConfig("cfg", List.of(urls), List.of("*"), "main", List.of(), List.of(), Optional.empty());
        mirrors = Mirrors.open(dir, List.of(repo), Duration.ofSeconds(5), new FakeClock());
        return mirrors.mirror("cfg");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (mirrors != null) {
            mirrors.close();
            mirrors = null;
        }
    }
}
