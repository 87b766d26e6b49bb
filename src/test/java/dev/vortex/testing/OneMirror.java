package dev.vortex.testing;

import dev.vortex.config.RepoConfig;
import dev.vortex.git.Mirror;
import dev.vortex.git.Mirrors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The mirror of one repository {@code cfg} of {@code urls} under a directory: what a test of a mirror opens. */
public final class OneMirror implements AutoCloseable {
    private final Mirrors mirrors;

    private OneMirror(Mirrors mirrors) {
        this.mirrors = mirrors;
    }

    public static OneMirror open(Path dir, String... urls) throws IOException {
        RepoConfig repo = new RepoConfig("cfg", List.of(urls), List.of("*"), "main", List.of(), List.of(), Optional.empty());
        return new OneMirror(Mirrors.open(dir, List.of(repo), Duration.ofSeconds(5), new FakeClock()));
    }

    public Mirror mirror() {
        return mirrors.mirror("cfg");
    }

    @Override
    public void close() {
        mirrors.close();
    }
}
