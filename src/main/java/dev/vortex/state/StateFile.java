package dev.vortex.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vortex.config.Names;
import dev.vortex.ops.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code data-dir/state.json}: the commit served per repository and label, so a restart serves the
 * same commits before any fetch. Format: {@code {"version":1,"repos":{"shop":{"main":"<sha>"}}}}.
 * A file that does not parse is ignored with a warning (the mirrors are then the only source).
 */
public final class StateFile {
    private static final Log LOG = Log.of(StateFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    /** How bytes reach the disk; a seam so tests can make writing fail. */
    @FunctionalInterface
    public interface Writer {
        void write(Path target, byte[] content) throws IOException;
    }

    private final Path path;
    private final Writer writer;

    public StateFile(Path path, Writer writer) {
        this.path = path;
        this.writer = writer;
    }

    /** {@code dataDir/state.json}, written atomically. */
    public static StateFile in(Path dataDir) {
        return new StateFile(dataDir.resolve("state.json"), StateFile::writeAtomically);
    }

    public Path path() {
        return path;
    }

    /** Repository → label → commit as last written; empty when there is no file or it is unusable. */
    public Map<String, Map<String, String>> read() {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            LOG.warn("state file unreadable, ignored", "file", path, "err", e.getClass().getSimpleName());
            return Map.of();
        }
        if (root == null || !root.path("repos").isObject() || root.path("version").asInt() != FORMAT) {
            LOG.warn("state file is not a vortex state file (version " + FORMAT + "), ignored", "file", path);
            return Map.of();
        }
        Map<String, Map<String, String>> repos = new TreeMap<>();
        root.path("repos").properties().forEach(repo -> {
            if (Names.checkRepoName(repo.getKey()).isPresent() || !repo.getValue().isObject()) {
                LOG.warn("state file entry ignored", "file", path, "repo", Names.printable(repo.getKey()));
                return;
            }
            Map<String, String> labels = new TreeMap<>();
            repo.getValue().properties().forEach(l -> {
                String commit = l.getValue().asText("");
                if (commit.matches("[0-9a-f]{40}") && Names.checkPart("label", l.getKey(), true).isEmpty()) {
                    labels.put(l.getKey(), commit);
                } else {
                    LOG.warn("state file entry ignored", "file", path, "repo", repo.getKey(), "label", Names.printable(l.getKey()));
                }
            });
            repos.put(repo.getKey(), labels);
        });
        return repos;
    }

    /** Replaces the file's content; on failure the previous file is left as it was. */
    public void write(Map<String, Map<String, String>> commits) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT);
        ObjectNode repos = root.putObject("repos");
        new TreeMap<>(commits).forEach((repo, labels) -> {
            ObjectNode r = repos.putObject(repo);
            new TreeMap<>(labels).forEach(r::put);
        });
        writer.write(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /** Temp file beside the target, fsync, atomic rename, then fsync the directory so the rename is durable. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some filesystems cannot sync a directory; the rename itself is still atomic
        }
    }
}
