package dev.vortex.docs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.Vortexd;
import dev.vortex.docs.ReadmeExamples.Block;
import dev.vortex.docs.ReadmeExamples.Kind;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of README.md runs as printed, against a real daemon serving the demo repository
 * (as {@code make run} does) on free ports: shell blocks through {@code bash} in a directory holding
 * {@code ./data}, with the ports substituted and every {@code curl} made to fail on an HTTP error;
 * Java blocks compiled against the test classpath and run until they print a snapshot and, after a
 * commit to the demo repository, a change — and another change after their connection was cut and a
 * commit landed meanwhile (they must reconnect and resync). A block marked illustrative is skipped, and must say why.
 */
class ReadmeExamplesTest {
    private static final Pattern PUBLIC_CLASS = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)");
    private static final Duration SHELL_TIMEOUT = Duration.ofSeconds(30);
    private static final String DEBIAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @TempDir
    static Path cwd;
    static Vortexd daemon;
    static List<Block> blocks;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static int changes;

    @BeforeAll
    static void start() throws Exception {
        blocks = ReadmeExamples.parse(Files.readString(Path.of("README.md")));
        // no repository configured: the demo repository in ./data/demo-config, as under `make run`
        daemon = Vortexd.launch(List.of("--data-dir=" + cwd.resolve("data"), "--http.port=0", "--ws.port=0", "--log.level=warn"), Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/ready").statusCode() == 200);
        List<String> illustrative = blocks.stream().filter(Block::illustrative).map(b -> b + ": " + b.reason()).toList();
        System.out.printf("README examples: %d shell and %d Java run, %d illustrative skipped, %d data blocks%n",
                count(Kind.SHELL), count(Kind.JAVA), illustrative.size(), blocks.stream().filter(b -> b.kind() == Kind.DATA).count());
        illustrative.forEach(s -> System.out.println("  skipped " + s));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.shutdown();
        }
    }

    private static long count(Kind kind) {
        return blocks.stream().filter(b -> b.kind() == kind && !b.illustrative()).count();
    }

    @Test
    void everyShellExampleRunsAsPrinted() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Block b : blocks) {
            if (b.kind() == Kind.SHELL && !b.illustrative()) {
                String failure = runShell(b);
                if (failure != null) {
                    failures.add(failure);
                }
            }
        }
        assertEquals(List.of(), failures, "README shell examples that fail as printed (fix them, or mark them with "
                + "<!-- example: illustrative (why) --> on the line before the fence)");
    }

    @Test
    void everyJavaExampleReceivesASnapshotAndAChange() throws Exception {
        assertTrue(count(Kind.JAVA) > 0, "README.md has no runnable Java example");
        for (Block b : blocks) {
            if (b.kind() == Kind.JAVA && !b.illustrative()) {
                runJava(b);
            }
        }
    }

    @Test
    void anIllustrativeMarkNeedsAReasonAndAFence() {
        assertEquals("needs a systemd host", ReadmeExamples.parse("<!-- example: illustrative (needs a systemd host) -->\n```sh\nx\n```\n")
                .getFirst().reason());
        assertThrows(IllegalArgumentException.class, () -> ReadmeExamples.parse("<!-- example: illustrative -->\n```sh\nx\n```\n"));
        assertThrows(IllegalArgumentException.class, () -> ReadmeExamples.parse("<!-- example: illustrative (x) -->\ntext\n```sh\nx\n```\n"));
        assertEquals("curl a\ncurl b\n", ReadmeExamples.parse("```console\n$ curl a\noutput\n$ curl b\n```\n").getFirst().script());
    }

    /** The example with the daemon's ports in place of 8888 and 8889, and {@code curl} failing on HTTP errors. */
    static String substitute(String text) {
        return substitute(text, daemon.wsPort());
    }

    static String substitute(String text, int wsPort) {
        return text.replaceAll("\\b8888\\b", Integer.toString(daemon.httpPort()))
                .replaceAll("\\b8889\\b", Integer.toString(wsPort))
                .replaceAll("(^|[\\s;|&(])curl ", "$1curl --fail-with-body ");
    }

    /** Null when the block ran and exited 0; else what went wrong, with its output. */
    private static String runShell(Block b) throws Exception {
        String script = substitute(b.script());
        Path out = Files.createTempFile(cwd, "shell", ".out");
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                .directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        // as on a Debian machine with a JDK: this JDK, then the system's tools (Debian's python3 with
        // python3-websockets, not a python3 of a version manager that comes first on a developer's PATH)
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                + DEBIAN_PATH + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(SHELL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            return b + " did not end within " + SHELL_TIMEOUT.toSeconds() + " s:\n" + script + "\n--- output:\n" + Files.readString(out);
        }
        return p.exitValue() == 0 ? null : b + " exited " + p.exitValue() + ":\n" + script + "\n--- output:\n" + Files.readString(out);
    }

    private static void runJava(Block b) throws Exception {
        long start = System.nanoTime();
        Matcher m = PUBLIC_CLASS.matcher(b.text());
        assertTrue(m.find(), b + ": a Java example declares a public class");
        Path dir = Files.createDirectories(cwd.resolve("java-" + b.line()));
        Path source = dir.resolve(m.group(1) + ".java");
        // through a forwarder the test can cut, to see the example reconnect and resync
        Forwarder forwarder = new Forwarder(daemon.wsPort());
        Files.writeString(source, substitute(b.text(), forwarder.port()));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK");
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, "-d", dir.toString(), "-cp", classpath, "--release", "21", source.toString());
        assertEquals(0, rc, b + " does not compile as printed:\n" + errors.toString(StandardCharsets.UTF_8));

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(java.toString(), "-cp", dir + File.pathSeparator + classpath, m.group(1))
                .directory(cwd.toFile()).redirectError(err.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process was stopped
            }
        });
        try {
            awaitLine(b, lines, "config_snapshot", p, err);
            long snapshot = System.nanoTime();
            commitAChange();
            awaitLine(b, lines, "config_change", p, err);
            System.out.printf("%s: compiled and got its snapshot in %d ms, the change %d ms after the commit%n", b,
                    TimeUnit.NANOSECONDS.toMillis(snapshot - start), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - snapshot));
            // connection lost, a commit meanwhile: the example must come back and catch up
            forwarder.cut();
            commitAChange();
            awaitLine(b, lines, "config_change", p, err);
            assertTrue(forwarder.accepted() >= 2, b + " caught up without reconnecting?");
        } finally {
            forwarder.close();
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(5));
        }
    }

    private static void awaitLine(Block b, BlockingQueue<String> lines, String word, Process p, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (l.contains(word)) {
                    return;
                }
            } else if (!p.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError(b + " printed no " + word + " line (alive: " + p.isAlive() + "); stdout:\n"
                + String.join("\n", seen) + "\nstderr:\n" + Files.readString(err));
    }

    /** A commit to the demo repository that changes demo/prod, then a refresh that waits for it. */
    private static void commitAChange() throws Exception {
        Path repo = cwd.resolve("data/demo-config");
        Path file = repo.resolve("demo-prod.yml");
        changes++;
        Files.writeString(file, Files.readString(file).replaceAll("max-connections: \\d+", "max-connections: " + (600 + changes)));
        git(repo, "-c", "user.name=readme", "-c", "user.email=readme@example.invalid", "commit", "-q", "-am", "change " + changes);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/repos/demo/refresh?wait=20s"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "git " + String.join(" ", args) + ": " + out);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + daemon.httpPort() + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
