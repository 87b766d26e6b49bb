package dev.vortex.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd}) for tests: runs as the current user on a free
 * 127.0.0.1 port with host keys made by {@code ssh-keygen} in its own directory, accepts the public
 * keys added with {@link #authorize}, and runs every session through {@code git-shell}, so a client
 * can fetch the repositories under {@link #root()} and nothing else. {@link #close()} stops it.
 */
public final class OpenSshServer implements AutoCloseable {
    public static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final Path root;
    private int port;
    private Process process;
    private String hostKeyType = "ed25519";

    private OpenSshServer(Path dir) throws IOException {
        this.dir = dir;
        this.root = Files.createDirectories(dir.resolve("repos"));
        Files.writeString(dir.resolve("authorized_keys"), "");
    }

    /** Starts sshd in {@code dir} (skips the test without sshd, fails it under {@code CI=true}). */
    public static OpenSshServer start(Path dir) throws IOException {
        Tools.require(Files.isExecutable(SSHD), SSHD + " not installed (apt-get install -y openssh-server)");
        Tools.require(Files.isExecutable(Path.of("/usr/bin/git-shell")), "/usr/bin/git-shell not installed (apt-get install -y git)");
        OpenSshServer s = new OpenSshServer(Files.createDirectories(dir));
        s.newHostKey();
        s.port = freePort();
        s.launch();
        return s;
    }

    public int port() {
        return port;
    }

    /** Where served repositories live: {@code root().resolve("x.git")} is {@link #url url("x.git")}. */
    public Path root() {
        return root;
    }

    public static String user() {
        return System.getProperty("user.name");
    }

    /** {@code ssh://user@127.0.0.1:port/<root>/name}. */
    public String url(String name) {
        return "ssh://" + user() + "@127.0.0.1:" + port + root.resolve(name);
    }

    /** Serves a bare copy of {@code repo} as {@code name} and adds it as {@code repo}'s remote {@code served}. */
    public String serve(TestRepo repo, String name) {
        Path bare = GitHttpServer.bareCopy(repo, root, name);
        repo.git("remote", "add", "served", bare.toString());
        return url(name);
    }

    /** Lets the holder of {@code publicKeyFile} in. */
    public void authorize(Path publicKeyFile) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(publicKeyFile), java.nio.file.StandardOpenOption.APPEND);
    }

    /** The server's current host key as a known_hosts line: {@code [127.0.0.1]:port type base64}. */
    public String knownHostsLine() throws IOException {
        String pub = Files.readString(dir.resolve("host_key.pub")).trim();
        String[] parts = pub.split(" ");
        return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n";
    }

    /** The {@code SHA256:…} fingerprint of the current host key, as {@code ssh-keygen -l} prints it. */
    public String hostKeyFingerprint() throws IOException {
        return fingerprintOf(dir.resolve("host_key.pub"));
    }

    /** The {@code SHA256:…} fingerprint of a public key file. */
    public static String fingerprintOf(Path publicKey) throws IOException {
        return run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString())).split(" ")[1];
    }

    /** Restarts the server on the same port with a new host key of {@code type} (what a man in the middle looks like). */
    public void changeHostKey(String type) throws IOException {
        stop();
        hostKeyType = type;
        newHostKey();
        launch();
    }

    /** Stops the server (the port stays reserved for {@link #restart()}). */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    /** A client key pair of {@code type} at {@code dir/name} (and {@code .pub}), with an optional passphrase. */
    public static Path newClientKey(Path dir, String name, String type, String passphrase) throws IOException {
        Path key = Files.createDirectories(dir).resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", key.toString()));
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "2048"));
        }
        run(cmd);
        return key;
    }

    private void newHostKey() throws IOException {
        Files.deleteIfExists(dir.resolve("host_key"));
        Files.deleteIfExists(dir.resolve("host_key.pub"));
        run(List.of("ssh-keygen", "-q", "-t", hostKeyType, "-N", "", "-f", dir.resolve("host_key").toString()));
    }

    private void launch() throws IOException {
        if (user().equals("root")) {
            Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory, made by its service otherwise
        }
        String config = String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding no",
                "X11Forwarding no",
                "PermitTTY no",
                "LogLevel VERBOSE",
                "ForceCommand git-shell -c \"$SSH_ORIGINAL_COMMAND\"",
                "");
        Path file = dir.resolve("sshd_config");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                .start();
        try {
            // done once it listens, or once it died (a configuration it refuses)
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || listening(port));
        } catch (ConditionTimeoutException e) {
            stop();
            throw new IOException("sshd did not listen on " + port + ": " + Files.readString(dir.resolve("sshd.log")));
        }
        if (!process.isAlive()) {
            throw new IOException("sshd exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("sshd.log")));
        }
    }

    /** What sshd logged (authentication results), for assertions and failure messages. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("sshd.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
