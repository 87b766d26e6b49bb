package dev.vortex.git;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.util.IO;

/**
 * The one request of an announced fetch (see {@link AnnouncedFetch}): a stateless smart-HTTP
 * {@code POST <url>/git-upload-pack} that wants the announced commits (side-band-64k, ofs-delta; no
 * thin pack, no multi_ack, so the server answers at once), offers the namespace's tips as haves and
 * says done. The answer is ACK or NAK lines, then the pack in side-band: band 1 goes into the object
 * database through JGit's pack parser, band 2 (progress) is dropped, band 3 and {@code ERR} fail.
 * Any other answer fails with a {@link Refused} whose message says what came, never a credential.
 */
final class UploadPackPost {
    static final String REQUEST_TYPE = "application/x-git-upload-pack-request";
    static final String RESULT_TYPE = "application/x-git-upload-pack-result";
    /** The largest pkt-line side-band-64k allows (4 length digits included). */
    private static final int MAX_PKT = 65520;

    /** The server did not answer with a pack: the caller fetches as usual. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private UploadPackPost() {
    }

    /**
     * Sends the request to {@code endpoint} and stores the pack it answers.
     *
     * @param authorization the {@code Authorization} header to send, if the repository has credentials
     */
    static void fetch(Repository repository, HttpConnectionFactory connections, URL endpoint, Optional<String> authorization,
                      List<ObjectId> wants, Collection<ObjectId> haves, int timeoutMillis) throws IOException {
        byte[] body = body(wants, haves);
        HttpConnection c = connections.create(endpoint);
        c.setRequestMethod("POST");
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", REQUEST_TYPE);
        c.setRequestProperty("Accept", RESULT_TYPE);
        authorization.ifPresent(a -> c.setRequestProperty("Authorization", a));
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        if (status != HttpConnection.HTTP_OK) {
            throw new Refused("answered HTTP " + status);
        }
        if (!RESULT_TYPE.equals(c.getContentType())) {
            throw new Refused("answered content type " + c.getContentType());
        }
        try (InputStream in = new SideBand(new BufferedInputStream(c.getInputStream(), MAX_PKT));
             ObjectInserter inserter = repository.newObjectInserter()) {
            PackParser parser = inserter.newPackParser(in);
            parser.setAllowThin(false);
            parser.parse(NullProgressMonitor.INSTANCE);
            inserter.flush();
        }
    }

    /** want lines (capabilities on the first), flush, have lines, done: JGit's pkt-lines. */
    static byte[] body(List<ObjectId> wants, Collection<ObjectId> haves) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PacketLineOut lines = new PacketLineOut(out);
        for (int i = 0; i < wants.size(); i++) {
            lines.writeString("want " + wants.get(i).name() + (i == 0 ? " side-band-64k ofs-delta agent=vortexd" : "") + "\n");
        }
        lines.end();
        for (ObjectId have : haves) {
            lines.writeString("have " + have.name() + "\n");
        }
        lines.writeString("done\n");
        return out.toByteArray();
    }

    /** The pack inside an upload-pack answer: band 1 of the side-band pkt-lines, after the ACK/NAK lines. */
    private static final class SideBand extends InputStream {
        private final InputStream in;
        private final byte[] payload = new byte[MAX_PKT];
        private int pos;
        private int end;
        private boolean done;

        SideBand(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return pos < end || next() ? payload[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos >= end && !next()) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(payload, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Reads pkt-lines up to the next band-1 data; false at the flush that ends the answer. */
        private boolean next() throws IOException {
            while (!done) {
                int length = length();
                if (length == 0) {
                    done = true;
                    break;
                }
                if (length < 5 || length > MAX_PKT) {
                    throw new Refused("answered a pkt-line of length " + length);
                }
                int n = length - 4;
                readFully(n);
                switch (payload[0]) {
                    case 1 -> {
                        pos = 1;
                        end = n;
                        return true;
                    }
                    case 2 -> {
                        // progress: nobody reads it
                    }
                    case 3 -> throw new Refused("answered error " + text(1, n));
                    default -> {
                        String line = text(0, n);
                        if (line.startsWith("ERR ")) {
                            throw new Refused("answered " + line);
                        }
                        if (!line.startsWith("ACK ") && !line.equals("NAK")) {
                            throw new Refused("answered something that is not upload-pack's");
                        }
                    }
                }
            }
            pos = 0;
            end = 0;
            return false;
        }

        private int length() throws IOException {
            readFully(4);
            int length = 0;
            for (int i = 0; i < 4; i++) {
                int digit = Character.digit(payload[i], 16);
                if (digit < 0) {
                    throw new Refused("answered something that is not pkt-lines");
                }
                length = length * 16 + digit;
            }
            return length;
        }

        private void readFully(int n) throws IOException {
            IO.readFully(in, payload, 0, n); // an answer that ends in the middle of a pkt-line: EOFException
        }

        private String text(int from, int to) {
            String s = new String(payload, from, to - from, StandardCharsets.UTF_8).strip();
            return s.length() > 200 ? s.substring(0, 200) + "…" : s;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
