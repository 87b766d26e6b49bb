package dev.vortex.testing;

import static org.awaitility.Awaitility.await;

import dev.vortex.Vortexd;
import dev.vortex.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole daemon in-process ({@link Vortexd#launch}) on free ports, serving one repository
 * from a {@code file://} URL, ready (every repository has a served commit) when returned. Files
 * holding {@link #CANARY} are planted where a path escape would find them: beside the repository,
 * untracked in its work tree and in its {@code .git}, in the data directory and inside the mirror;
 * none of them is in any commit, so the marker must never appear in an answer.
 */
public final class LiveDaemon implements AutoCloseable {
    /** A marker no committed file holds; unique per test run. */
    public static final String CANARY = "vortex-canary-" + UUID.randomUUID();
    /** The file names the canaries are planted under, for fuzzers to aim at. */
    public static final List<String> CANARY_FILES = List.of("canary.txt", "canary.yml", "application-canary.yml");

    private final Vortexd daemon;
    private final TestRepo repo;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LiveDaemon(Vortexd daemon, TestRepo repo, Path dataDir) {
        this.daemon = daemon;
        this.repo = repo;
        this.dataDir = dataDir;
    }

    /** The Spring demo repository ({@code TestRepo.springDemo}, tagged v1) at {@code tmp/repo}, served with {@code extraArgs}. */
    public static LiveDaemon springDemo(Path tmp, String... extraArgs) {
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(tmp, TestRepo.springDemo(tmp.resolve("repo")), extraArgs);
    }

    /** Serves {@code repo} with data in {@code tmp/data}, plus {@code extraArgs}. */
    public static LiveDaemon start(Path tmp, TestRepo repo, String... extraArgs) {
        Path data = tmp.resolve("data");
        try {
            Files.createDirectories(data.resolve("mirrors"));
            for (Path dir : List.of(tmp, repo.dir(), repo.dir().resolve(".git"), data, data.resolve("mirrors"))) {
                plant(dir);
            }
            // untracked in the work tree, and kept so: a commit of the repository never picks them up
            Files.createDirectories(repo.dir().resolve(".git/info"));
            Files.writeString(repo.dir().resolve(".git/info/exclude"), String.join("\n", CANARY_FILES) + "\n");
            List<String> args = new ArrayList<>(List.of("--data-dir=" + data, "--http.port=0", "--ws.port=0",
                    "--log.level=warn", "--repo=" + repo.url()));
            args.addAll(List.of(extraArgs));
            Vortexd d = Vortexd.launch(args, Map.of());
            LiveDaemon live = new LiveDaemon(d, repo, data);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> live.get("/ready").statusCode() == 200);
                try (var mirrors = Files.list(data.resolve("mirrors"))) {
                    for (Path m : mirrors.filter(Files::isDirectory).toList()) {
                        plant(m);
                    }
                }
            } catch (RuntimeException | IOException e) {
                d.shutdown();
                throw e;
            }
            return live;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid daemon arguments: " + e.problems(), e);
        }
    }

    private static void plant(Path dir) throws IOException {
        for (String name : CANARY_FILES) {
            Files.writeString(dir.resolve(name), "leak: " + CANARY + "\n" + CANARY + "=1\n");
        }
    }

    public Vortexd daemon() {
        return daemon;
    }

    public TestRepo repo() {
        return repo;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int httpPort() {
        return daemon.httpPort();
    }

    public int wsPort() {
        return daemon.wsPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + path);
    }

    /** GET {@code path} with header name/value pairs. */
    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(15));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The value of one series of {@code /metrics}, written as scraped: {@code vortex_ws_sessions}
     * or {@code vortex_http_requests_total{route="config",code="500"}}; 0 when absent.
     */
    public double metric(String series) {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** The sum of every series of {@code name} whose labels contain {@code labelPart} (e.g. {@code code="500"}). */
    public double metricSum(String name, String labelPart) {
        double sum = 0;
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelPart)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() {
        daemon.shutdown();
    }
}
