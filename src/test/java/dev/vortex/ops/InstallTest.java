package dev.vortex.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vortex.testing.ChildDaemon;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install PREFIX=…} on a machine whose default {@code java} is 17 (as Debian 12's):
 * the unit it writes runs, the old JDK gets one line and exit 78 from the jar, the launcher finds
 * a JDK >= 21, the documentation the unit names is installed. PREFIX is a staging root, so the
 * unit's absolute paths (jar, configuration, cache) are looked up under it when its command lines are run.
 */
class InstallTest {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    private static final Pattern STARTED = Pattern.compile("msg=\"vortexd started\".* http=\\S+:(\\d+) ");

    @TempDir
    static Path tmp;
    static Path root;
    static Path unit;
    static String makeOutput;
    static Path jar;

    @BeforeAll
    static void install() throws Exception {
        if (!Files.isExecutable(JDK17.resolve("bin/java"))) {
            fail("JDK 17 not found at " + JDK17 + " (apt-get install -y openjdk-17-jdk-headless)");
        }
        jar = thinJar(tmp.resolve("vortexd.jar"));
        root = tmp.resolve("root");
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("application.yml", "greeting: hello\n");
        repo.commit("first");
        // an existing configuration is kept by make install
        Files.createDirectories(root.resolve("etc/vortex"));
        Files.createDirectories(root.resolve("var/cache/vortex")); // the unit's CacheDirectory (class-data sharing archive)
        Files.writeString(root.resolve("etc/vortex/vortex.yml"), """
                http: {port: 0}
                ws: {port: 0}
                data-dir: %s
                log: {level: info}
                repos:
                  - name: app
                    urls: ["%s"]
                """.formatted(tmp.resolve("state"), repo.url()));
        List<String> cmd = List.of("make", "--no-print-directory", "-o", jar.toString(), "install", "PREFIX=" + root, "JAR=" + jar);
        Run r = run(cmd, debianEnv(), Path.of("").toAbsolutePath(), 120);
        makeOutput = r.out;
        assertEquals(0, r.code, r.out);
        unit = root.resolve("etc/systemd/system/vortexd.service");
    }

    /** Debian 12: java 17 first on PATH, no JAVA_HOME; a JDK >= 21 exists under /usr/lib/jvm. */
    private static Map<String, String> debianEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("JAVA_HOME");
        env.put("PATH", JDK17.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    @Test
    void unit_runsAJdkThatCanRunTheJar_andServes() throws Exception {
        String text = Files.readString(unit);
        assertFalse(text.lines().anyMatch(l -> l.startsWith("Environment=VORTEX_DATA_DIR")), "the unit must not override the file's data-dir:\n" + text);
        List<String> start = command(text, "ExecStart=");
        Path java = Path.of(start.get(0));
        assertFalse(java.equals(Path.of("/usr/bin/java")), start.toString());
        assertTrue(javaMajor(java) >= 21, java + " is older than 21");
        assertTrue(makeOutput.contains("the unit runs " + java), makeOutput);

        ProcessBuilder p = new ProcessBuilder(start).directory(tmp.toFile()).redirectErrorStream(true);
        Process daemon = environmentOf(text, p).start();
        try {
            int port = awaitStarted(daemon);
            Http http = new Http(port);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/ready").statusCode() == 200);
            assertTrue(http.get("/app/default").body().contains("hello"));
        } finally {
            daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void execReload_checksTheConfigurationFirst() throws Exception {
        String text = Files.readString(unit);
        List<String> lines = text.lines().filter(l -> l.startsWith("ExecReload=")).toList();
        assertEquals(2, lines.size(), text);
        assertTrue(lines.get(0).contains("--check-config"), lines.toString());
        assertEquals("ExecReload=/bin/kill -HUP $MAINPID", lines.get(1));
        Run ok = run(command(text, "ExecReload="), debianEnv(), tmp, 60);
        assertEquals(0, ok.code, ok.out);
        assertTrue(ok.out.contains("configuration OK"), ok.out);

        Path bad = tmp.resolve("bad.yml");
        Files.writeString(bad, "sync: {interval: never}\n");
        List<String> check = new ArrayList<>(command(text, "ExecReload="));
        check.replaceAll(a -> a.startsWith("--config=") ? "--config=" + bad : a);
        Run refused = run(check, debianEnv(), tmp, 60);
        assertEquals(78, refused.code, refused.out);
        assertTrue(refused.out.contains("sync.interval: \"never\""), refused.out);
    }

    @Test
    void makeCheckConfig_passesOnAGoodFile_andFailsNamingTheProblem() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Run ok = run(List.of("make", "--no-print-directory", "-o", jar.toString(), "check-config", "JAR=" + jar,
                "ARGS=--config=" + root.resolve("etc/vortex/vortex.yml")), debianEnv(), project, 120);
        assertEquals(0, ok.code, ok.out);
        assertTrue(ok.out.contains("configuration OK (1 repository)"), ok.out);
        Path bad = Files.writeString(tmp.resolve("check-bad.yml"), "ws: {max-rate: lots}\n");
        Run refused = run(List.of("make", "--no-print-directory", "-o", jar.toString(), "check-config", "JAR=" + jar,
                "ARGS=--config=" + bad), debianEnv(), project, 120);
        assertEquals(2, refused.code, refused.out); // make's own code when the command fails (vortexd: 78)
        assertTrue(refused.out.contains("ws.max-rate: \"lots\""), refused.out);
    }

    @Test
    void jar_onJava17_printsOneLine_andExits78() throws Exception {
        Run r = run(List.of(JDK17.resolve("bin/java").toString(), "-jar", root.resolve("usr/lib/vortex/vortexd.jar").toString(), "--version"),
                debianEnv(), tmp, 60);
        assertEquals(78, r.code, r.out);
        assertEquals(1, r.out.lines().count(), r.out);
        assertTrue(r.out.startsWith("vortexd needs Java 21 or newer, but runs on Java 17"), r.out);
    }

    @Test
    void launcher_findsAJdk21_evenWithJava17OnPath() throws Exception {
        Run r = run(List.of(root.resolve("usr/bin/vortexd").toString(), "--version"), debianEnv(), tmp, 60);
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.startsWith("vortexd "), r.out);
    }

    @Test
    void launcher_withoutAnyJdk21_printsOneLine_andExits78() throws Exception {
        Map<String, String> env = debianEnv();
        env.put("VORTEX_JVM_DIRS", tmp.resolve("no-jvms").toString());
        Run r = run(List.of(root.resolve("usr/bin/vortexd").toString(), "--version"), env, tmp, 60);
        assertEquals(78, r.code, r.out);
        assertEquals(1, r.out.lines().count(), r.out);
        assertTrue(r.out.startsWith("vortexd needs Java 21 or newer"), r.out);
    }

    @Test
    void install_putsTheDocumentationTheUnitNames_andKeepsTheConfiguration() throws Exception {
        String text = Files.readString(unit);
        Matcher m = Pattern.compile("(?m)^Documentation=file://(\\S+)").matcher(text);
        assertTrue(m.find(), text);
        assertTrue(Files.isRegularFile(root.resolve(m.group(1).substring(1))), "not installed: " + m.group(1));
        assertEquals(Files.readString(Path.of("README.md")), Files.readString(root.resolve("usr/share/doc/vortex/README.md")));
        if (Files.exists(Path.of("PROTOCOL.md"))) {
            assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/vortex/PROTOCOL.md")));
        }
        assertTrue(Files.readString(root.resolve("etc/vortex/vortex.yml")).contains("name: app"));
        assertTrue(makeOutput.contains("kept existing"), makeOutput);
    }

    @Test
    void installedUnit_passesSystemdAnalyzeVerify() throws Exception {
        SystemdUnitTest.verify(unit);
    }

    // ---- helpers ----

    private record Run(int code, String out) {
    }

    private static Run run(List<String> cmd, Map<String, String> env, Path dir, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd + " did not finish:\n" + out);
        }
        return new Run(p.exitValue(), out);
    }

    /** The words of a unit's command line, with the install paths looked up under PREFIX. */
    private static List<String> command(String unitText, String key) {
        String line = unitText.lines().filter(l -> l.startsWith(key)).findFirst().orElseThrow().substring(key.length());
        List<String> words = new ArrayList<>();
        for (String w : line.trim().split("\\s+")) {
            words.add(w.replace("/usr/lib/vortex/", root + "/usr/lib/vortex/").replace("/etc/vortex/", root + "/etc/vortex/")
                    .replace("/var/cache/vortex/", root + "/var/cache/vortex/"));
        }
        return words;
    }

    /** The unit's {@code Environment=} assignments over Debian's environment. */
    private static ProcessBuilder environmentOf(String unitText, ProcessBuilder pb) {
        pb.environment().clear();
        pb.environment().putAll(debianEnv());
        unitText.lines().filter(l -> l.startsWith("Environment=")).forEach(l -> {
            String kv = l.substring("Environment=".length());
            pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        });
        return pb;
    }

    private static int awaitStarted(Process daemon) throws IOException {
        StringBuilder seen = new StringBuilder();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> drain(in));
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the unit's ExecStart did not start vortexd:\n" + seen);
    }

    private static void drain(java.io.BufferedReader in) {
        try {
            while (in.readLine() != null) {
                // keep the pipe from filling
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static int javaMajor(Path java) throws Exception {
        Run r = run(List.of(java.toString(), "-XshowSettings:properties", "-version"), System.getenv(), tmp, 60);
        Matcher m = Pattern.compile("java\\.specification\\.version = (\\d+)").matcher(r.out);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * The jar {@code make install} installs, built from this build's classes (the test phase runs
     * before {@code package}): the entry point as Main-Class, the dependencies by Class-Path.
     */
    private static Path thinJar(Path jar) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.vortex.Main");
        List<String> libs = new ArrayList<>();
        Path classes = null;
        for (String entry : ChildDaemon.classPath().split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName().toString().equals("classes")) {
                classes = p;
            } else if (entry.endsWith(".jar")) {
                libs.add(p.toUri().toString());
            }
        }
        assertTrue(classes != null && Files.isRegularFile(classes.resolve("dev/vortex/Main.class")), "no compiled classes with dev/vortex/Main.class");
        mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", libs));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, mf);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, jos);
                jos.closeEntry();
            }
        }
        return jar;
    }
}
