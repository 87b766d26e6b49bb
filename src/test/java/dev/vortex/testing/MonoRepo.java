package dev.vortex.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A generated configuration monorepo, as large organisations keep one: {@code application.yml}
 * plus {@code appN.yml} and {@code appN-prod.yml} per application, a few keys each, in one commit
 * on {@code main}. Small in tests (hundreds of applications), large in {@code make bench} (10,000).
 */
public final class MonoRepo {
    private final TestRepo repo;
    private final int apps;

    private MonoRepo(TestRepo repo, int apps) {
        this.repo = repo;
        this.apps = apps;
    }

    /** A repository at {@code dir} with {@code apps} applications ({@code app0} … ), committed. */
    public static MonoRepo generate(Path dir, int apps) {
        TestRepo repo = TestRepo.init(dir);
        repo.write("application.yml", shared("info"));
        try {
            for (int i = 0; i < apps; i++) {
                Files.writeString(dir.resolve(app(i) + ".yml"), base(i), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(app(i) + "-prod.yml"), prod(i, 0), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        repo.commit("generated " + apps + " applications");
        return new MonoRepo(repo, apps);
    }

    public static String app(int i) {
        return "app" + i;
    }

    public TestRepo repo() {
        return repo;
    }

    public int apps() {
        return apps;
    }

    /** Files in the commit: {@code application.yml} and two per application. */
    public int files() {
        return 1 + 2 * apps;
    }

    /** Changes one value of {@code appN-prod.yml} (generation {@code n}) and commits; returns the commit. */
    public String changeApp(int i, int n) {
        repo.write(app(i) + "-prod.yml", prod(i, n));
        return repo.commit("change " + app(i) + " #" + n);
    }

    /** Changes a value every application reads ({@code application.yml}) and commits; returns the commit. */
    public String changeShared(String level) {
        repo.write("application.yml", shared(level));
        return repo.commit("logging level " + level);
    }

    private static String shared(String level) {
        return "logging:\n  level:\n    root: " + level + "\nmanagement:\n  endpoints: health,info\nregion: eu-west-1\n";
    }

    private static String base(int i) {
        return String.format(Locale.ROOT, "server:\n  port: %d\nspring:\n  application:\n    name: %s\nfeature:\n  flag: %b\n",
                8000 + i % 1000, app(i), i % 2 == 0);
    }

    private static String prod(int i, int n) {
        return String.format(Locale.ROOT, "db:\n  url: jdbc:postgresql://db%d.prod:5432/%s\n  pool: %d\nrevision: %d\n",
                i % 16, app(i), 10 + i % 5, n);
    }
}
