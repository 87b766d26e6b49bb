package dev.vortex.testing;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real git repository (non-bare, branch {@code main}) driven through the {@code git} command line,
 * the way a user edits a configuration repository. Commit dates advance one second per commit so
 * commit ids are reproducible.
 */
public final class TestRepo {
    private final Path dir;
    private int commits;

    private TestRepo(Path dir) {
        this.dir = dir;
    }

    /** A new empty repository at {@code dir} on branch {@code main}. */
    public static TestRepo init(Path dir) {
        TestRepo r = new TestRepo(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        r.git("init", "-q", "-b", "main", ".");
        r.git("config", "user.name", "test");
        r.git("config", "user.email", "test@example.invalid");
        return r;
    }

    /** The commit {@link #springDemo} makes: the one Spring's recorded answers name as {@code version}. */
    public static final String SPRING_DEMO_COMMIT = "1f30e17ce7c4ce30d572ae6a666ec511ce9009f3";

    /**
     * The Spring compatibility demo repository: the files of test resource
     * {@code spring-compat/demo-repo} in one commit on {@code main} (fixed author, date and message,
     * so its id is {@link #SPRING_DEMO_COMMIT}), tagged {@code v1}.
     */
    public static TestRepo springDemo(Path dir) {
        TestRepo r = init(dir);
        r.git("config", "user.name", "demo");
        r.git("config", "user.email", "demo@example.invalid");
        Path files = resource("spring-compat/demo-repo");
        try (Stream<Path> all = Files.walk(files)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                r.write(files.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        r.git("add", "-A");
        r.runEnv(List.of("git", "commit", "-q", "-m", "initial demo config"), "2026-01-01T00:00:00Z");
        r.commits = 1;
        r.git("tag", "v1");
        return r;
    }

    /** A file or directory of the test resources ({@code src/test/resources}). */
    public static Path resource(String name) {
        URL url = TestRepo.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Points the HEAD of the (bare) repository at {@code gitDir} at {@code ref}, which need not exist. */
    public static void symbolicHead(Path gitDir, String ref) {
        run(gitDir, List.of("git", "symbolic-ref", "HEAD", ref), null);
    }

    public Path dir() {
        return dir;
    }

    /** {@code file://} URL of this repository. */
    public String url() {
        return dir.toUri().toString();
    }

    public TestRepo write(String path, String content) {
        try {
            Path f = dir.resolve(path);
            Files.createDirectories(f.getParent());
            Files.writeString(f, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    public TestRepo delete(String path) {
        git("rm", "-q", "--", path);
        return this;
    }

    /** Stages everything and commits; returns the new commit id. */
    public String commit(String message) {
        commits++;
        String date = "2026-01-01T00:00:" + String.format("%02d", commits % 60) + "Z";
        git("add", "-A");
        runEnv(List.of("git", "commit", "-q", "--allow-empty", "-m", message), date);
        return head();
    }

    /** Force-pushes every branch and tag to the remote {@code served} (see {@code GitHttpServer.serve}). */
    public TestRepo push() {
        git("push", "-q", "--force", "served", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*");
        return this;
    }

    public String head() {
        return git("rev-parse", "HEAD").trim();
    }

    public String rev(String rev) {
        return git("rev-parse", rev).trim();
    }

    public TestRepo checkout(String branch) {
        git("checkout", "-q", branch);
        return this;
    }

    public TestRepo branch(String name) {
        git("checkout", "-q", "-b", name);
        return this;
    }

    public TestRepo tag(String name) {
        git("tag", name);
        return this;
    }

    /** Runs {@code git args…} in the repository and returns its standard output. */
    public String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        return runEnv(cmd, null);
    }

    private String runEnv(List<String> cmd, String date) {
        return run(dir, cmd, date);
    }

    private static String run(Path cwd, List<String> cmd, String date) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
            if (date != null) {
                pb.environment().put("GIT_AUTHOR_DATE", date);
                pb.environment().put("GIT_COMMITTER_DATE", date);
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
