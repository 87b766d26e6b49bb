package dev.vortex.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP {@code CONNECT} proxy on a free 127.0.0.1 port: tunnels bytes to the asked host and
 * port, optionally demanding Basic proxy credentials (407 with a challenge), and records every
 * tunnel it opened so a test can check a fetch went through it.
 */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> tunnels = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final java.util.Map<Integer, Integer> forwards = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String expectedAuth;
    private volatile int refused;

    private ConnectProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    public static ConnectProxy start() throws IOException {
        return new ConnectProxy();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** From now on a CONNECT needs {@code Proxy-Authorization: Basic user:password}. */
    public void requireAuth(String user, String password) {
        expectedAuth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A tunnel asked for port {@code asked} goes to {@code actual} on the same host: a URL naming a
     * port where nothing listens is then reachable through this proxy and only through it.
     */
    public void forward(int asked, int actual) {
        forwards.put(asked, actual);
    }

    /** {@code host:port} of every tunnel opened, in order. */
    public List<String> tunnels() {
        return List.copyOf(tunnels);
    }

    /** CONNECTs answered 407 (missing or wrong credentials). */
    public int refused() {
        return refused;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String requestLine = line(in);
            String auth = null;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                if (h.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
                    auth = h.substring(h.indexOf(':') + 1).trim();
                }
            }
            String[] parts = requestLine == null ? new String[0] : requestLine.split(" ");
            if (parts.length < 3 || !parts[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            String want = expectedAuth;
            if (want != null && !want.equals(auth)) {
                refused++;
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test proxy\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            String target = parts[1];
            int colon = target.lastIndexOf(':');
            int port = Integer.parseInt(target.substring(colon + 1));
            try (Socket upstream = new Socket(target.substring(0, colon), forwards.getOrDefault(port, port))) {
                open.add(upstream);
                tunnels.add(target);
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread back = Thread.ofVirtual().start(() -> pipe(upstream, client));
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | RuntimeException e) {
            // the client or upstream went away: the tunnel ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
