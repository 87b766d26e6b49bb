package dev.vortex.bench;

import java.io.IOException;
import java.net.ServerSocket;

final class Ports {
    private Ports() {
    }

    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
