package dev.vortex.ops;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens of {@code auth.tokens-file}: one per line, {@code #} comments and blank lines
 * ignored, reloaded on SIGHUP. No file configured means no authentication. Comparison is
 * constant-time; tokens are never logged (only their count).
 */
public final class Tokens implements Reloadable {
    private static final Log LOG = Log.of(Tokens.class);

    private volatile Optional<Path> file;
    private volatile List<byte[]> tokens;

    private Tokens(Optional<Path> file, List<byte[]> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    /** Reads the file now; a missing or unreadable file is an error at start. */
    public static Tokens load(Optional<Path> file) throws IOException {
        Tokens t = new Tokens(file, List.of());
        if (file.isPresent()) {
            t.tokens = read(file.get());
            LOG.info("tokens loaded", "file", file.get(), "count", t.tokens.size());
        }
        return t;
    }

    public static Tokens none() {
        return new Tokens(Optional.empty(), List.of());
    }

    /** Re-reads the file (SIGHUP); on failure keeps the tokens it had and says so. */
    public void reload() {
        if (file.isEmpty()) {
            return;
        }
        try {
            tokens = read(file.get());
            LOG.info("tokens reloaded", "file", file.get(), "count", tokens.size());
        } catch (IOException e) {
            LOG.error("tokens reload failed; keeping the previous tokens", e, "file", file.get());
        }
    }

    /**
     * A configuration reload: a new {@code auth.tokens-file} (or none) takes effect at once, or
     * the same file is re-read. A new file that cannot be read fails the reload and the running
     * tokens stay.
     */
    @Override
    public synchronized void reload(VortexConfig next, ConfigDiff diff) throws IOException {
        Optional<Path> wanted = next.auth().tokensFile();
        if (wanted.equals(file)) {
            reload();
            return;
        }
        List<byte[]> read = wanted.isPresent() ? read(wanted.get()) : List.of();
        tokens = read;
        file = wanted;
        LOG.info("tokens file changed", "file", wanted.map(Path::toString).orElse("none"), "count", read.size());
    }

    public boolean required() {
        return file.isPresent();
    }

    /** True when no tokens are configured, or {@code presented} is one of them. */
    public boolean accepts(String presented) {
        if (file.isEmpty()) {
            return true;
        }
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] t : tokens) {
            ok |= MessageDigest.isEqual(t, p); // no early exit: every token is compared
        }
        return ok;
    }

    /** The token of an {@code Authorization: Bearer …} header value, if any. */
    public static Optional<String> bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).trim());
    }

    private static List<byte[]> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.getBytes(StandardCharsets.UTF_8))
                .toList();
    }
}
