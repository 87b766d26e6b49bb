package dev.vortex.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vortex.config.Names;
import dev.vortex.ops.Json;
import dev.vortex.ops.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code data-dir/state.json}: the commit served per repository and label, so a restart serves the
 * same commits before any fetch. Format: {@code {"version":1,"repos":{"shop":{"main":"<sha>"}}}},
 * plus {@code "fallbacks":{"shop":{"main":["<sha>",…]}}} for labels whose commit has files that do
 * not parse (the commits their readers stay on, newest first), so a restart holds them back too.
 * A file that does not parse is ignored with a warning (the mirrors are then the only source).
 * {@code "broken":{"shop":{"main":[{"path","line","message","apps"}]}}} holds what the commit check found
 * in each served commit (present, possibly empty, in every file this version writes), so a restart
 * serves those commits without checking every file again.
 */
public final class StateFile {
    private static final Log LOG = Log.of(StateFile.class);
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
        Map<String, Object> root = root(true);
        if (root == null) {
            return Map.of();
        }
        Map<String, Map<String, String>> repos = new TreeMap<>();
        members(root.get("repos")).forEach((repo, value) -> {
            if (Names.checkServedName(repo).isPresent() || !(value instanceof Map)) {
                LOG.warn("state file entry ignored", "file", path, "repo", Names.printable(repo));
                return;
            }
            Map<String, String> labels = new TreeMap<>();
            members(value).forEach((label, commit) -> {
                if (commit instanceof String c && Names.isCommitId(c) && Names.checkPart("label", label, true).isEmpty()) {
                    labels.put(label, c);
                } else {
                    LOG.warn("state file entry ignored", "file", path, "repo", repo, "label", Names.printable(label));
                }
            });
            repos.put(repo, labels);
        });
        return repos;
    }

    /** Repository → label → the commits the readers of its broken files stay on, newest first; entries that are not valid are left out. */
    public Map<String, Map<String, List<String>>> readFallbacks() {
        Map<String, Object> root = root(false);
        Map<String, Map<String, List<String>>> repos = new TreeMap<>();
        if (root == null) {
            return repos;
        }
        members(root.get("fallbacks")).forEach((repo, value) -> {
            Map<String, List<String>> labels = new TreeMap<>();
            members(value).forEach((label, commits) -> {
                if (Names.checkPart("label", label, true).isEmpty() && commits instanceof List<?> list && !list.isEmpty()
                        && list.stream().allMatch(c -> c instanceof String s && Names.isCommitId(s))) {
                    labels.put(label, list.stream().map(String.class::cast).toList());
                }
            });
            if (Names.checkServedName(repo).isEmpty() && !labels.isEmpty()) {
                repos.put(repo, labels);
            }
        });
        return repos;
    }

    /**
     * Repository → label → the files of its served commit that do not parse, as the commit check found
     * them (labels of commits that parse are absent); empty when the file does not say (written by an
     * older version, or none): then every restored commit must be checked again.
     */
    public Optional<Map<String, Map<String, List<BrokenFile>>>> readBroken() {
        Map<String, Object> root = root(false);
        if (root == null || !(root.get("broken") instanceof Map<?, ?> broken)) {
            return Optional.empty();
        }
        Map<String, Map<String, List<BrokenFile>>> repos = new TreeMap<>();
        try {
            members(broken).forEach((repo, value) -> {
                Map<String, List<BrokenFile>> labels = new TreeMap<>();
                members(value).forEach((label, list) -> {
                    List<BrokenFile> files = new ArrayList<>();
                    for (Object b : items(list)) {
                        Map<String, Object> file = members(b);
                        List<String> apps = items(file.get("apps")).stream().map(String.class::cast).toList();
                        files.add(new BrokenFile((String) Objects.requireNonNull(file.get("path")),
                                file.get("line") instanceof Number n ? n.intValue() : 0, (String) Objects.requireNonNull(file.get("message")), apps));
                    }
                    labels.put(label, List.copyOf(files));
                });
                repos.put(repo, labels);
            });
        } catch (RuntimeException e) {
            LOG.warn("state file's check results unreadable, every restored commit is checked again", "file", path);
            return Optional.empty();
        }
        return Optional.of(repos);
    }

    /** The file's JSON object, or null (warned about when {@code warn}) when there is none or it is not a state file. */
    private Map<String, Object> root(boolean warn) {
        Object root;
        try {
            root = JsonReader.read(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (warn) {
                LOG.warn("state file unreadable, ignored", "file", path, "err", e.getClass().getSimpleName());
            }
            return null;
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("repos") instanceof Map) || !isFormat(map.get("version"))) {
            if (warn) {
                LOG.warn("state file is not a vortex state file (version " + FORMAT + "), ignored", "file", path);
            }
            return null;
        }
        return members(map);
    }

    private static boolean isFormat(Object version) {
        return version instanceof Number n && n.doubleValue() == FORMAT;
    }

    /** An object's members; none for anything else (a missing member, an array, a string…). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> members(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** An array's items; none for anything else. */
    private static List<?> items(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    /** Replaces the file's content; on failure the previous file is left as it was. */
    public void write(Map<String, Map<String, String>> commits) throws IOException {
        write(commits, Map.of());
    }

    /** Replaces the file's content with the commits and the fallbacks of labels with broken files. */
    public void write(Map<String, Map<String, String>> commits, Map<String, Map<String, List<String>>> fallbacks)
            throws IOException {
        write(commits, fallbacks, null);
    }

    /**
     * Replaces the file's content with the commits, the fallbacks, and what the commit check found in
     * each served commit ({@code broken}: labels whose commit has files that do not parse; null: not known).
     */
    public void write(Map<String, Map<String, String>> commits, Map<String, Map<String, List<String>>> fallbacks,
                      Map<String, Map<String, List<BrokenFile>>> broken) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", FORMAT);
        ObjectNode repos = root.putObject("repos");
        new TreeMap<>(commits).forEach((repo, labels) -> {
            ObjectNode r = repos.putObject(repo);
            new TreeMap<>(labels).forEach(r::put);
        });
        if (!fallbacks.isEmpty()) {
            ObjectNode held = root.putObject("fallbacks");
            new TreeMap<>(fallbacks).forEach((repo, labels) -> {
                ObjectNode r = held.putObject(repo);
                new TreeMap<>(labels).forEach((label, list) -> {
                    ArrayNode a = r.putArray(label);
                    list.forEach(a::add);
                });
            });
        }
        if (broken != null) {
            ObjectNode checked = root.putObject("broken");
            new TreeMap<>(broken).forEach((repo, labels) -> {
                ObjectNode r = checked.putObject(repo);
                new TreeMap<>(labels).forEach((label, files) -> {
                    ArrayNode a = r.putArray(label);
                    for (BrokenFile b : files) {
                        ObjectNode o = a.addObject().put("path", b.path()).put("line", b.line()).put("message", b.message());
                        b.apps().forEach(o.putArray("apps")::add);
                    }
                });
            });
        }
        writer.write(path, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
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
