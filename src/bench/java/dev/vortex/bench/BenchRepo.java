package dev.vortex.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-file repository of the end-to-end benches: each round writes the sending time into
 * {@code bench.yml}, commits it with the git CLI and tells a daemon with a GitHub push webhook.
 */
final class BenchRepo {
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private BenchRepo(Path dir) {
        this.dir = dir;
    }

    static BenchRepo create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix).resolve("cfg");
        git(dir.getParent(), "init", "-q", "-b", "main", dir.toString());
        git(dir, "config", "user.email", "bench@example.invalid");
        git(dir, "config", "user.name", "bench");
        Files.writeString(dir.resolve("bench.yml"), "bench:\n  sent: 0\n");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "start");
        return new BenchRepo(dir);
    }

    Path dir() {
        return dir;
    }

    URI uri() {
        return dir.toUri();
    }

    /** Commits {@code bench.sent = sent} and returns the new commit's id. */
    String commit(long sent) throws IOException {
        Files.writeString(dir.resolve("bench.yml"), "bench:\n  sent: " + sent + "\n");
        git(dir, "commit", "-q", "-a", "-m", "round");
        return git(dir, "rev-parse", "HEAD").trim();
    }

    /** Sends the push webhook of commit {@code sha} to the daemon on {@code httpPort}; it must answer 202. */
    void push(int httpPort, String sha) throws IOException, InterruptedException {
        String body = "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"clone_url\":\"" + uri() + "\"}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/monitor"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("webhook answered " + r.statusCode() + ": " + r.body());
        }
    }

    static String git(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
