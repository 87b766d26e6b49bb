package dev.vortex.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, bytes exactly as given: what {@code java.net.http} would refuse
 * or normalise (raw {@code ..}, backslashes, control characters, huge or many headers) reaches
 * the server as written. One keep-alive connection; a response whose connection the server
 * closed or reset before a status line is {@link Response#CLOSED}.
 */
public final class RawHttp implements AutoCloseable {
    private static final int MAX_HEAD = 256 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A status line and headers (names lower-cased) and the body; status -1 when the server closed the connection instead. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public static final Response CLOSED = new Response(-1, Map.of(), new byte[0]);

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + (t.length() > 300 ? t.substring(0, 300) + "…" : t);
        }
    }

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}; reads wait at most {@code readTimeout}. */
    public static RawHttp open(int port, Duration readTimeout) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) readTimeout.toMillis());
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawHttp open(int port) {
        return open(port, Duration.ofSeconds(15));
    }

    /**
     * {@code GET target HTTP/1.1} with a Host header and {@code extraHeaders} (each ending in CRLF),
     * then the response. Characters beyond ASCII go out as their UTF-8 bytes, unescaped.
     */
    public Response get(String target, String extraHeaders) throws IOException {
        return send(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public Response get(String target) throws IOException {
        return get(target, "");
    }

    /** Writes {@code request} as is and reads one response. */
    public Response send(byte[] request) throws IOException {
        try {
            out.write(request);
            out.flush();
        } catch (SocketException e) {
            return Response.CLOSED; // the server closed or reset while we wrote (oversized headers)
        }
        return read();
    }

    /** Writes part of a request without waiting for an answer. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response; {@link Response#CLOSED} when the connection ends (EOF or reset) before a status line. */
    public Response read() throws IOException {
        String head;
        try {
            head = readHead();
        } catch (SocketException e) {
            return Response.CLOSED;
        }
        if (head == null) {
            return Response.CLOSED;
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked();
        } else if ("close".equalsIgnoreCase(headers.get("connection"))) {
            body = in.readAllBytes();
        } else {
            body = new byte[0];
        }
        return new Response(status, headers, body);
    }

    /** True once the server closed (EOF) or reset the connection, reading and discarding whatever it still sends. */
    public boolean closedByServer() {
        try {
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int last4 = 0; last4 != 0x0d0a0d0a; ) { // until CRLF CRLF
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : fail("connection closed inside a response head: " + head);
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (head.size() > MAX_HEAD) {
                return fail("response head over " + MAX_HEAD + " bytes");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line();
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream l = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            if (b != '\r') {
                l.write(b);
            }
        }
        return l.toString(StandardCharsets.ISO_8859_1);
    }

    private static String fail(String message) throws IOException {
        throw new IOException(message);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
