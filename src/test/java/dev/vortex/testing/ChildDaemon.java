package dev.vortex.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -cp <this JVM's class path> dev.vortex.Vortexd …} as a real child process, for the
 * faults only a process has: SIGKILL ({@link #kill()}) and SIGTERM ({@link #terminate()}). Its
 * stdout and stderr are kept line by line; the ports come from its {@code vortexd started} line
 * (so it runs at log level info or lower).
 */
public final class ChildDaemon implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("msg=\"vortexd started\".* http=\\S+:(\\d+) ws=\\S+:(\\d+)");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile int httpPort = -1;
    private volatile int wsPort = -1;

    private ChildDaemon(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().name("child-daemon-out").daemon().start(this::drain);
    }

    /**
     * Starts a daemon on free ports with {@code dataDir} and {@code args} (later flags win), and
     * waits up to 60 s for it to listen.
     */
    public static ChildDaemon start(Path dataDir, List<String> jvmArgs, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("dev.vortex.Vortexd");
        cmd.add("--data-dir=" + dataDir);
        cmd.add("--http.port=0");
        cmd.add("--ws.port=0");
        cmd.add("--log.level=info");
        cmd.addAll(args);
        ChildDaemon d = new ChildDaemon(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (d) {
            while (d.httpPort < 0 && d.process.isAlive() && System.nanoTime() < deadline) {
                try {
                    d.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (d.httpPort < 0) {
            d.kill();
            throw new IllegalStateException("child daemon did not start; its output:\n" + d.output());
        }
        return d;
    }

    /** {@link #start(Path, List, List)} with a small heap and the quick-starting C1 compiler only, as tests want. */
    public static ChildDaemon start(Path dataDir, List<String> args) throws IOException {
        return start(dataDir, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), args);
    }

    public int httpPort() {
        return httpPort;
    }

    public int wsPort() {
        return wsPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it printed so far, one line per line. */
    public String output() {
        return String.join("\n", lines);
    }

    /** SIGKILL, and wait for it to be gone. */
    public void kill() {
        process.toHandle().destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM: a graceful stop; {@link #awaitExit} tells the exit code. Through the process handle:
     * {@link Process#destroy()} would also close our end of its stdout, losing what it logs while stopping.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** The exit code, or -1 if it did not exit within {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return -1;
            }
            reader.join(5_000); // the rest of its output
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void drain() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                Matcher m = STARTED.matcher(line);
                if (httpPort < 0 && m.find()) {
                    synchronized (this) {
                        wsPort = Integer.parseInt(m.group(2));
                        httpPort = Integer.parseInt(m.group(1));
                        notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /**
     * The class path of this JVM. Surefire may start tests from a manifest-only jar; its
     * {@code Class-Path} then lists the real entries.
     */
    public static String classPath() {
        String cp = System.getProperty("java.class.path");
        String[] parts = cp.split(java.io.File.pathSeparator);
        if (parts.length == 1 && parts[0].endsWith(".jar") && parts[0].contains("surefire")) {
            try (JarFile jar = new JarFile(parts[0])) {
                Manifest mf = jar.getManifest();
                List<String> entries = new ArrayList<>();
                for (String u : mf.getMainAttributes().getValue("Class-Path").split(" ")) {
                    if (!u.isBlank()) {
                        entries.add(Path.of(java.net.URI.create(u)).toString());
                    }
                }
                return String.join(java.io.File.pathSeparator, entries);
            } catch (IOException e) {
                throw new IllegalStateException("read the class path of " + parts[0], e);
            }
        }
        if (!Files.exists(Path.of(parts[0]))) {
            throw new IllegalStateException("class path entry " + parts[0] + " does not exist");
        }
        return cp;
    }
}
