package dev.vortex.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Objects that a repository on this machine stores loose (a zlib file each, as git stores what a
 * commit or a small push brings), read and checked, then copied into the mirror as the same file:
 * not deflated again, and not hashed a second time with JGit's collision-detecting SHA-1, which for
 * the 1 MiB root tree of a 10,000-application monorepo was most of a one-file change's copy. The
 * check hashes with the JDK's SHA-1: it proves the file holds the object it is named for (a damaged
 * one fails the copy). Collision detection guards against objects a remote crafted; a repository
 * on this machine was written by git, which has it.
 */
final class LooseObjects {
    /** Larger files are left to JGit, which streams what it copies. */
    static final long MAX_FILE = 8L << 20;
    /** zlib's deflate makes at most about 1,032 bytes of one (RFC 1951 blocks): a header stating more is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1_032;

    /** A loose object as read: its content (without the header), and the file's bytes, to be copied as they are. */
    record Loose(byte[] content, byte[] file) {
    }

    private LooseObjects() {
    }

    /**
     * The object {@code id} of {@code type} as {@code objects} stores it loose, checked; empty when it
     * has no loose file of at most {@link #MAX_FILE} bytes (packed, or in an alternate).
     *
     * @throws IOException the file is not that object: damaged, or another object's content
     */
    static Optional<Loose> read(ObjectDirectory objects, ObjectId id, int type) throws IOException {
        Path path = objects.fileFor(id).toPath();
        byte[] file;
        try {
            if (Files.size(path) > MAX_FILE) {
                return Optional.empty();
            }
            file = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Inflated object = inflate(file, id, type);
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        sha1.update(object.header());
        ObjectId named = ObjectId.fromRaw(sha1.digest(object.content()));
        if (!named.equals(id)) {
            throw corrupt(id, "its content hashes to " + named.name());
        }
        return Optional.of(new Loose(object.content(), file));
    }

    /** Writes {@code file}, a loose object's bytes that {@link #read} checked, as the object {@code id} of {@code objects}. */
    static void write(ObjectDirectory objects, ObjectId id, byte[] file) throws IOException {
        Path target = objects.fileFor(id).toPath();
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(objects.getDirectory().toPath(), "tmp_obj_", null);
        try {
            Files.write(temp, file);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A loose file inflated: its header {@code "<type> <size>\0"}, and the content apart (a monorepo's root tree is copied once, not twice). */
    private record Inflated(byte[] header, byte[] content) {
    }

    /** The file inflated, whose header must state {@code type} and the content's size. */
    private static Inflated inflate(byte[] file, ObjectId id, int type) throws IOException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(file);
            byte[] head = new byte[32]; // "commit 2147483647\0" and the like fit
            int n = inflater.inflate(head);
            int nul = indexOf(Arrays.copyOf(head, n), (byte) 0);
            String expected = Constants.typeString(type) + " ";
            String header = nul < 0 ? "" : new String(head, 0, nul, StandardCharsets.US_ASCII);
            if (!header.startsWith(expected) || !header.substring(expected.length()).matches("[0-9]{1,10}")) {
                throw corrupt(id, "its header is not \"" + expected + "<size>\"");
            }
            long size = Long.parseLong(header.substring(expected.length()));
            if (size > Math.min(Integer.MAX_VALUE - 64, (long) file.length * MAX_DEFLATE_RATIO)) {
                throw corrupt(id, "it states " + size + " bytes, more than its file can hold"); // nothing allocated for a lie
            }
            byte[] content = new byte[(int) size];
            int at = n - (nul + 1); // content inflated with the header
            if (at > content.length) {
                throw corrupt(id, "its content is not the " + size + " bytes its header states");
            }
            System.arraycopy(head, nul + 1, content, 0, at);
            while (at < content.length && !inflater.finished()) {
                int got = inflater.inflate(content, at, content.length - at);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                at += got;
            }
            if (at != content.length || !inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw corrupt(id, "its content is not the " + size + " bytes its header states");
            }
            return new Inflated(Arrays.copyOf(head, nul + 1), content);
        } catch (DataFormatException e) {
            throw corrupt(id, "it does not inflate: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** A repository's object that is not what its name says, {@code why} (a local copy fails on it). */
    static IOException corrupt(ObjectId id, String why) {
        return new IOException("object " + id.name() + " of the repository is corrupt: " + why);
    }
}
