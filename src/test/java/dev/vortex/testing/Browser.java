package dev.vortex.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol: navigate, evaluate JavaScript,
 * click, take screenshots, and collect every console error, uncaught exception and browser log
 * error the page produces. One page per browser; {@link #close()} ends the process and its children.
 */
public final class Browser implements AutoCloseable {
    /** Where Debian's {@code chromium} package puts the browser; {@code -Dvortex.chromium=PATH} overrides. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long COMMAND_TIMEOUT_S = 30;

    private final Process process;
    private final List<ProcessHandle> children = new ArrayList<>();
    private final Path profile;
    private final ArrayDeque<String> stderrTail;
    private final Cdp cdp;
    private final String sessionId;
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private Browser(Process process, Path profile, ArrayDeque<String> stderrTail, Cdp cdp) throws IOException {
        this.process = process;
        this.profile = profile;
        this.stderrTail = stderrTail;
        this.cdp = cdp;
        cdp.onEvent = this::onEvent;
        String targetId = command(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
        this.sessionId = command(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true)).path("sessionId").asText();
        for (String domain : List.of("Page", "Runtime", "Log")) {
            command(sessionId, domain + ".enable", Map.of());
        }
    }

    /** The Chromium binary when it is installed. */
    public static Optional<Path> binary() {
        Path p = Path.of(System.getProperty("vortex.chromium", DEFAULT_BINARY.toString()));
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Skips the calling test, with the reason printed and reported, when no Chromium is installed
     * (fails it under {@code CI=true}, see {@link Tools#require}): a browser test never passes
     * without a browser. Call it first in {@code @BeforeEach}.
     */
    public static void requireInstalled() {
        Tools.require(binary().isPresent(), "no Chromium at " + System.getProperty("vortex.chromium", DEFAULT_BINARY.toString())
                + " (apt-get install -y chromium, or -Dvortex.chromium=PATH)");
    }

    /** A started browser, or empty when no Chromium is installed (then {@link #requireInstalled()} skips the tests, or fails them under {@code CI=true}). */
    public static Optional<Browser> launchIfInstalled() throws IOException {
        Optional<Path> bin = binary();
        return bin.isEmpty() ? Optional.empty() : Optional.of(launch(bin.get()));
    }

    public static Browser launch(Path binary) throws IOException {
        return launch(binary, List.of());
    }

    /** Chromium with {@code extraFlags} too (e.g. {@code --ignore-certificate-errors-spki-list=…} to trust a test certificate). */
    public static Browser launch(Path binary, List<String> extraFlags) throws IOException {
        Path profile = Files.createTempDirectory("vortex-chromium-");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0"));
        command.addAll(extraFlags);
        command.add("about:blank");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // crash reports and the like land in $HOME/.config: keep them in the throw-away profile
        pb.environment().put("HOME", profile.toString());
        Process process = pb.start();
        ArrayDeque<String> tail = new ArrayDeque<>();
        CompletableFuture<String> devtools = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStderr(process, tail, devtools), "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            String url = devtools.get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
            Cdp cdp = new Cdp(URI.create(url));
            if (!cdp.connectBlocking(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IOException("could not connect to Chromium DevTools at " + url);
            }
            return new Browser(process, profile, tail, cdp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process, List.of());
            throw new IOException("interrupted while starting Chromium", e);
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            kill(process, List.of());
            deleteTree(profile);
            throw new IOException("Chromium did not start (" + e + "); its stderr ended with:\n" + String.join("\n", snapshot(tail)), e);
        }
    }

    // Drains stderr for the life of the process (a full pipe would stall Chromium) and keeps the tail for error reports.
    private static void readStderr(Process process, ArrayDeque<String> tail, CompletableFuture<String> devtools) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
                int at = line.indexOf("DevTools listening on ");
                if (at >= 0) {
                    devtools.complete(line.substring(at + "DevTools listening on ".length()).trim());
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        devtools.completeExceptionally(new IOException("Chromium exited before printing its DevTools address"));
    }

    private static List<String> snapshot(ArrayDeque<String> tail) {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** Loads {@code url} and waits for its load event. */
    public void navigate(String url) {
        CompletableFuture<JsonNode> loaded = cdp.awaitEvent(sessionId, "Page.loadEventFired", e -> true);
        JsonNode r = command(sessionId, "Page.navigate", Map.of("url", url));
        if (r.hasNonNull("errorText")) {
            throw new AssertionError("navigating to " + url + " failed: " + r.get("errorText").asText());
        }
        await(loaded, "the load event of " + url);
    }

    /** Evaluates {@code expression} in the page (promises awaited) and returns its value as JSON; missing for undefined. */
    public JsonNode eval(String expression) {
        JsonNode r = command(sessionId, "Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            JsonNode d = r.get("exceptionDetails");
            throw new AssertionError("page script failed: " + d.path("exception").path("description").asText(d.path("text").asText())
                    + "\n  in: " + expression);
        }
        JsonNode v = r.path("result").path("value");
        return v.isMissingNode() ? MissingNode.getInstance() : v;
    }

    /** The text content of the first element matching {@code selector}, or empty when there is none. */
    public Optional<String> text(String selector) {
        JsonNode v = eval("(() => { const e = document.querySelector(" + quote(selector) + "); return e ? e.textContent : null; })()");
        return v.isNull() || v.isMissingNode() ? Optional.empty() : Optional.of(v.asText());
    }

    /** Clicks the first element matching {@code selector}; fails when there is none. */
    public void click(String selector) {
        eval("(() => { const e = document.querySelector(" + quote(selector) + "); "
                + "if (!e) throw new Error('nothing matches ' + " + quote(selector) + "); e.click(); return true; })()");
    }

    /** Sets the value of an input (and fires {@code input}) as typing would. */
    public void type(String selector, String value) {
        eval("(() => { const e = document.querySelector(" + quote(selector) + "); "
                + "if (!e) throw new Error('nothing matches ' + " + quote(selector) + "); e.value = " + quote(value)
                + "; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
    }

    /** Emulates a screen {@code width} × {@code height} CSS pixels wide ({@code mobile} for a phone's viewport rules). */
    public void viewport(int width, int height, boolean mobile) {
        command(sessionId, "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /** Saves a PNG of the whole page (not only the viewport) to {@code file}. */
    public Path screenshot(Path file) throws IOException {
        // without scrollbars the page is laid out over the whole window width (innerWidth), once the change has applied
        command(sessionId, "Emulation.setScrollbarsHidden", Map.of("hidden", true));
        JsonNode size = eval("[Math.max(innerWidth, document.documentElement.scrollWidth), document.documentElement.scrollHeight]");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get(0).asInt(), "height", size.get(1).asInt(), "scale", 1);
        JsonNode r = command(sessionId, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
        return file;
    }

    /** Every console error, uncaught exception and browser log error so far, as {@code "source: text"}. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Forgets the errors collected so far (between tests sharing one browser). */
    public void clearErrors() {
        errors.clear();
    }

    private void onEvent(JsonNode msg) {
        JsonNode p = msg.path("params");
        switch (msg.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> {
                String type = p.path("type").asText();
                if (type.equals("error") || type.equals("assert")) {
                    List<String> args = new ArrayList<>();
                    p.path("args").forEach(a -> args.add(a.has("value") ? a.get("value").asText() : a.path("description").asText()));
                    errors.add("console." + type + ": " + String.join(" ", args));
                }
            }
            case "Runtime.exceptionThrown" -> {
                JsonNode d = p.path("exceptionDetails");
                errors.add("exception: " + d.path("exception").path("description").asText(d.path("text").asText()));
            }
            case "Log.entryAdded" -> {
                JsonNode e = p.path("entry");
                if (e.path("level").asText().equals("error")) {
                    errors.add(e.path("source").asText() + ": " + e.path("text").asText() + " " + e.path("url").asText(""));
                }
            }
            default -> {
            }
        }
    }

    private JsonNode command(String session, String method, Map<String, ?> params) {
        return await(cdp.send(session, method, params), method);
    }

    private JsonNode await(CompletableFuture<JsonNode> f, String what) {
        try {
            return f.get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Chromium for " + what + " within " + COMMAND_TIMEOUT_S
                    + " s; alive=" + process.isAlive() + ", stderr ended with:\n" + String.join("\n", snapshot(stderrTail)), e);
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        children.addAll(process.descendants().toList());
        try {
            cdp.send(null, "Browser.close", Map.of()).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the browser may already be going; the process is killed below either way
        }
        try {
            cdp.closeBlocking();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(process, children);
        deleteTree(profile);
    }

    private static void kill(Process process, List<ProcessHandle> children) {
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        // helpers (zygotes, renderers) that outlived the browser process
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory; leaving it behind is harmless
        }
    }

    /** The DevTools WebSocket: command ids → pending answers, events → waiters and the event sink. */
    private static final class Cdp extends WebSocketClient {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<EventWaiter> waiters = new CopyOnWriteArrayList<>();
        volatile Consumer<JsonNode> onEvent = m -> { };

        private record EventWaiter(String session, String method, Predicate<JsonNode> test, CompletableFuture<JsonNode> result) {
        }

        Cdp(URI uri) {
            super(uri);
            setConnectionLostTimeout(0); // DevTools never answers protocol pings slowly enough to matter; keep the socket quiet
        }

        CompletableFuture<JsonNode> send(String session, String method, Map<String, ?> params) {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            ObjectNode msg = JSON.createObjectNode();
            msg.put("id", id);
            msg.put("method", method);
            msg.set("params", JSON.valueToTree(params));
            if (session != null) {
                msg.put("sessionId", session);
            }
            try {
                send(JSON.writeValueAsString(msg));
            } catch (IOException | RuntimeException e) {
                pending.remove(id);
                f.completeExceptionally(e);
            }
            return f;
        }

        CompletableFuture<JsonNode> awaitEvent(String session, String method, Predicate<JsonNode> test) {
            EventWaiter w = new EventWaiter(session, method, test, new CompletableFuture<>());
            waiters.add(w);
            return w.result;
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String text) {
            JsonNode msg;
            try {
                msg = JSON.readTree(text);
            } catch (IOException e) {
                return;
            }
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                if (f != null) {
                    if (msg.has("error")) {
                        f.completeExceptionally(new IllegalStateException(msg.get("error").toString()));
                    } else {
                        f.complete(msg.path("result"));
                    }
                }
                return;
            }
            String method = msg.path("method").asText();
            String session = msg.path("sessionId").asText(null);
            for (EventWaiter w : waiters) {
                if (w.method.equals(method) && Objects.equals(w.session, session) && w.test.test(msg.path("params"))) {
                    waiters.remove(w);
                    w.result.complete(msg.path("params"));
                }
            }
            onEvent.accept(msg);
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            IllegalStateException closed = new IllegalStateException("DevTools connection closed (" + code + " " + reason + ")");
            pending.values().forEach(f -> f.completeExceptionally(closed));
            pending.clear();
        }

        @Override
        public void onError(Exception e) {
            // onClose follows and fails whatever is pending
        }
    }
}
