package dev.vortex.ws;

import dev.vortex.config.VortexConfig;
import dev.vortex.ops.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.client.WebSocketClient;

/** Starts servers and clients for a test and closes all of them afterwards. */
final class WsFixture implements AutoCloseable {
    final FakeFeed feed = new FakeFeed();
    final Metrics metrics = new Metrics();
    private final List<WsServer> servers = new ArrayList<>();
    private final List<WebSocketClient> clients = new ArrayList<>();

    static VortexConfig.Ws config() {
        return new VortexConfig.Ws("127.0.0.1", 0, 100, Duration.ofSeconds(30), Duration.ofSeconds(10),
                256, 4L << 20, 64L << 10, 100, 1000);
    }

    WsServer start() {
        return start(config(), TokenCheck.open(), InstantSource.system());
    }

    WsServer start(VortexConfig.Ws cfg, TokenCheck tokens, InstantSource clock) {
        WsServer s = new WsServer(cfg, feed, tokens, metrics, clock);
        try {
            s.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        servers.add(s);
        return s;
    }

    TestClient client(WsServer s, String path) {
        return track(TestClient.connect(s.port(), path));
    }

    <C extends WebSocketClient> C track(C c) {
        clients.add(c);
        return c;
    }

    double counter(String name, String... labels) {
        return metrics.counter(name, "", labelNames(name)).value(labels);
    }

    private static String[] labelNames(String name) {
        return switch (name) {
            case "vortex_ws_messages_sent_total" -> new String[] {"type"};
            case "vortex_ws_closed_total" -> new String[] {"code"};
            case "vortex_ws_rejected_total" -> new String[] {"reason"};
            default -> new String[0];
        };
    }

    @Override
    public void close() {
        for (WebSocketClient c : clients) {
            c.close();
        }
        for (WsServer s : servers) {
            s.stop(Duration.ofSeconds(5));
        }
    }
}
