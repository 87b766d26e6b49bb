package dev.vortex.bench;

import java.io.IOException;
import java.net.ServerSocket;

final class Ports {
    private Ports() {
    }

    /** Waits until something accepts connections on {@code port}. */
    static void awaitListening(int port, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                if (s.isConnected()) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("nothing listening on " + port + " within " + timeoutMs + " ms");
    }

    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
