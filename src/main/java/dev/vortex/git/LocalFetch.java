package dev.vortex.git;

import dev.vortex.config.Urls;
import java.io.File;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.zip.Deflater;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.util.FS;

/**
 * A fetch from a repository on this machine ({@code file://} or an absolute path): in-process as
 * JGit's own local transport (an upload thread writes the pack, the fetching thread reads it), with
 * three differences measured on a 20,001-file monorepo (README "Measured", issue 18):
 * <ul>
 * <li>the pipe between the two threads holds {@link #PIPE_BYTES}: JGit's holds 1 KiB, so a commit
 *     whose root tree is 1 MiB crossed it in hundreds of thread hand-offs, each a wait for the other
 *     thread to be scheduled — on a busy machine most of the fetch;</li>
 * <li>no thin pack: bandwidth is free here, and a thin pack made the sending side delta each changed
 *     tree against the old one and the receiving side resolve that delta again.</li>
 * <li>objects the sending side has loose (what a commit there wrote) are packed without compression
 *     ({@link #storedPack}): deflating a monorepo commit's 1 MiB root tree was a third of the fetch,
 *     and inflating it again at the receiving side another part.</li>
 * </ul>
 * A URL whose path is not an existing repository is left to JGit ({@link #gitDir} is empty), so
 * what a fetch of a missing or broken one says stays JGit's.
 */
final class LocalFetch {
    /** The pipe from the upload thread: a monorepo commit's pack in a few hand-offs, not hundreds. */
    static final int PIPE_BYTES = 256 * 1024;

    private LocalFetch() {
    }

    /** The git directory of a local URL's repository; empty for a remote URL, a relative path or no repository there. */
    static Optional<File> gitDir(String url) {
        if (!Urls.transport(url).equals("file")) {
            return Optional.empty();
        }
        try {
            String path = new URIish(url).getPath();
            if (path == null || !new File(path).isAbsolute()) {
                return Optional.empty();
            }
            return Optional.ofNullable(RepositoryCache.FileKey.resolve(new File(path), FS.DETECTED));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Fetches {@code specs} of the repository at {@code gitDir} (what {@link #gitDir} found for {@code url}) into {@code local}. */
    static FetchResult fetch(Repository local, String url, File gitDir, List<RefSpec> specs, boolean prune, int timeoutSeconds)
            throws IOException {
        URIish uri;
        try {
            uri = new URIish(url);
        } catch (URISyntaxException e) {
            throw new IOException("not a URL: " + e.getMessage(), e);
        }
        try (Transport transport = new Local(local, uri, gitDir)) {
            transport.setTagOpt(TagOpt.NO_TAGS);
            transport.setRemoveDeletedRefs(prune);
            transport.setTimeout(timeoutSeconds);
            transport.setFetchThin(false);
            return transport.fetch(NullProgressMonitor.INSTANCE, specs);
        }
    }

    static final class Local extends Transport implements PackTransport {
        private final File gitDir;

        Local(Repository local, URIish uri, File gitDir) {
            super(local, uri);
            this.gitDir = gitDir;
        }

        @Override
        public FetchConnection openFetch() throws TransportException {
            Repository remote;
            try {
                remote = new FileRepositoryBuilder().setGitDir(gitDir).setMustExist(true).build();
            } catch (IOException e) {
                throw new TransportException(uri, "not a repository: " + e.getMessage(), e);
            }
            return new Connection(this, remote);
        }

        @Override
        public PushConnection openPush() throws NotSupportedException {
            throw new NotSupportedException("a mirror does not push");
        }

        @Override
        public void close() {
            // each connection closes the repository it opened
        }
    }

    /**
     * The remote's pack settings with compression off. Objects it has packed already go as they are;
     * the mirror keeps what arrives as it arrived, so the objects of recent commits take their plain
     * size on its disk (config files barely compress; a monorepo's root tree about 1.7× its deflated
     * size) — git's own {@code pack.compression=0}.
     */
    private static PackConfig storedPack(Repository remote) {
        PackConfig config = new PackConfig(remote);
        config.setCompressionLevel(Deflater.NO_COMPRESSION);
        return config;
    }

    /** JGit's {@code InternalFetchConnection} with a pipe of {@link #PIPE_BYTES} from the upload thread. */
    private static final class Connection extends BasePackFetchConnection {
        private final Thread upload;

        Connection(PackTransport transport, Repository remote) throws TransportException {
            super(transport);
            PipedInputStream fromUpload = new PipedInputStream(PIPE_BYTES);
            PipedInputStream toUpload = new PipedInputStream(PIPE_BYTES);
            PipedOutputStream uploadOut;
            PipedOutputStream ourOut;
            try {
                uploadOut = new PipedOutputStream(fromUpload);
                ourOut = new PipedOutputStream(toUpload);
            } catch (IOException e) {
                remote.close();
                throw new TransportException(uri, "connect pipes: " + e.getMessage(), e);
            }
            upload = Thread.ofPlatform().daemon().name("vortex-upload-pack").start(() -> {
                try (remote; toUpload; uploadOut) {
                    UploadPack uploadPack = new UploadPack(remote);
                    uploadPack.setPackConfig(storedPack(remote));
                    uploadPack.upload(toUpload, uploadOut, null);
                } catch (IOException | RuntimeException e) {
                    // the fetching side reads the pipe's end and reports the failure
                }
            });
            init(fromUpload, ourOut);
            try {
                readAdvertisedRefs();
            } catch (TransportException | RuntimeException e) {
                close(); // the upload thread sees the pipe end and stops
                throw e;
            }
        }

        @Override
        public void close() {
            super.close();
            try {
                upload.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
