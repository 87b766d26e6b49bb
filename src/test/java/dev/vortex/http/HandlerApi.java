package dev.vortex.http;

import dev.vortex.config.RepoConfig;
import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import dev.vortex.render.CommitSource;
import dev.vortex.render.Renderer;
import dev.vortex.render.RepoCommits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One handler behind a real {@link HttpApi} on a free loopback port, reading the commits of a local
 * repository served as {@code cfg}: the fixture of the handler tests that need no daemon.
 */
final class HandlerApi implements AutoCloseable {
    /** Registers the handler under test on {@code router}. */
    interface Registration {
        void register(List<RepoConfig> repos, CommitSource commits, Renderer renderer, Router router);
    }

    private final RepoCommits commits;
    private final HttpApi api;
    private final HttpClient client = HttpClient.newHttpClient();

    private HandlerApi(RepoCommits commits, HttpApi api) {
        this.commits = commits;
        this.api = api;
    }

    static HandlerApi start(Path repoDir, Registration handler) throws IOException {
        RepoCommits commits = new RepoCommits(repoDir);
        Metrics metrics = new Metrics();
        Router router = new Router(metrics);
        handler.register(List.of(RepoCommits.repo("cfg", "https://git.example.com/cfg.git")), commits,
                new Renderer(metrics, new VortexConfig.Render(1 << 20)), router);
        return new HandlerApi(commits, HttpApi.start(new VortexConfig.Http("127.0.0.1", 0), router));
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        api.stop(Duration.ZERO);
        commits.close();
    }
}
