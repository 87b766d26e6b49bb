package dev.vortex.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** The floor: a bare JDK HttpServer on virtual threads answering fixed bytes. Args: port [body-file]. */
public final class BareHttpServer {
    private BareHttpServer() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = args.length > 1 ? java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[1])) : "{}".getBytes();
        serve(HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024), body);
    }

    /** Answers every request with {@code body} as JSON, on virtual threads (also {@link BareHttpsServer}'s). */
    static void serve(HttpServer server, byte[] body) {
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }
}
