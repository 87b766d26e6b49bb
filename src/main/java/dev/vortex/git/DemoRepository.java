package dev.vortex.git;

import dev.vortex.config.RepoConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The repository served when none is configured: a real git repository in
 * {@code data-dir/demo-config} with YAML, properties, a multi-document file, a second branch and a
 * tag {@code v1} one commit behind {@code main}, so a first {@code make run} shows something real. Created once; later starts reuse it.
 */
public final class DemoRepository {
    static final String NAME = "demo";

    private static final Map<String, String> MAIN_FILES = Map.of(
            "application.yml", """
                    # shared by every application
                    greeting:
                      message: Hello from application.yml
                      shared: shared-default
                    server:
                      limits:
                        max-connections: 100
                        timeout-ms: 5000
                    features:
                      - alpha
                      - beta
                    """,
            "demo.yml", """
                    greeting:
                      message: Hello from demo.yml
                      recipient: world
                    database:
                      url: jdbc:postgresql://db.local:5432/demo
                      pool: &pool
                        min: 2
                        max: 10
                    reporting:
                      pool:
                        <<: *pool
                        max: 4
                    """,
            "demo-prod.yml", """
                    greeting:
                      message: Hello from demo-prod.yml
                    server:
                      limits:
                        max-connections: 500
                    database:
                      url: jdbc:postgresql://db.prod:5432/demo
                    features:
                      - alpha
                      - beta
                      - gamma
                    """,
            "demo-dev.properties", """
                    greeting.message=Hello from demo-dev.properties
                    database.url=jdbc:h2:mem:demo
                    debug.enabled=true
                    """,
            "inventory.yml", """
                    inventory:
                      warehouse: central
                      stock-check: 15m
                    ---
                    spring:
                      config:
                        activate:
                          on-profile: prod
                    inventory:
                      stock-check: 1m
                    """,
            "docs/notice.txt", "Greeting is ${greeting.message}\n");

    private DemoRepository() {
    }

    /** Creates the demo repository under {@code dataDir} unless it exists; returns its configuration. */
    public static RepoConfig ensure(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("demo-config").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve(".git"))) {
            // built beside and renamed into place, so a start killed half-way never leaves half a demo
            Path partial = dir.resolveSibling("demo-config.partial");
            deleteTree(partial);
            create(partial);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        return new RepoConfig(NAME, List.of(dir.toUri().toString()), List.of("*"), "main",
                List.of("main", "staging"), List.of(), Optional.empty());
    }

    private static void create(Path dir) throws IOException {
        Mirrors.awaitPrepared(); // JGit's first use in the process: after it knows where git's system config is
        Files.createDirectories(dir);
        PersonIdent who = new PersonIdent("vortexd demo", "demo@vortex.invalid");
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            for (var e : MAIN_FILES.entrySet()) {
                write(dir, e.getKey(), e.getValue());
            }
            // v1: an earlier release, so the diff and label examples of the README have a tag to name
            write(dir, "demo-prod.yml", MAIN_FILES.get("demo-prod.yml").replace("max-connections: 500", "max-connections: 200")
                    .replace("  - gamma\n", ""));
            git.add().addFilepattern(".").call();
            git.commit().setMessage("demo configuration v1").setAuthor(who).setCommitter(who).setSign(false).call();
            git.tag().setName("v1").setAnnotated(false).call();
            write(dir, "demo-prod.yml", MAIN_FILES.get("demo-prod.yml"));
            git.add().addFilepattern(".").call();
            git.commit().setMessage("demo configuration").setAuthor(who).setCommitter(who).setSign(false).call();
            git.checkout().setCreateBranch(true).setName("staging").call();
            write(dir, "demo-prod.yml", MAIN_FILES.get("demo-prod.yml").replace("db.prod", "db.staging"));
            git.add().addFilepattern(".").call();
            git.commit().setMessage("staging database").setAuthor(who).setCommitter(who).setSign(false).call();
            git.checkout().setName("main").call();
        } catch (GitAPIException e) {
            throw new IOException("cannot create the demo repository in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void write(Path dir, String path, String content) throws IOException {
        Path f = dir.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content, StandardCharsets.UTF_8);
    }
}
