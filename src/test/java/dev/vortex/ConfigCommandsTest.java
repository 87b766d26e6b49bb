package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.config.ConfigLoader;
import dev.vortex.testing.KeyStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check-config} and {@code --print-config} on good, bad and secret-holding configurations. */
class ConfigCommandsTest {
    private static final String TOKEN = "tok-7f3a9c2e";
    private static final String PASSWORD = "pw-51d0e8aa";
    private static final String SECRET = "hook-9b1c44d2";

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Run check(List<String> args, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ConfigCommands.check(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run print(List<String> args, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ConfigCommands.print(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A configuration naming a tokens file, a webhook secret, a credentials file and a URL with a token in it. */
    private Path secretConfig() throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), TOKEN + "\n");
        Path secret = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
        Path creds = Files.writeString(tmp.resolve("creds"), "bob:" + PASSWORD + "\n");
        return Files.writeString(tmp.resolve("vortex.yml"), """
                http:
                  port: 0
                ws:
                  port: 0
                data-dir: %s
                auth:
                  tokens-file: %s
                  webhook-secret-file: %s
                repos:
                  - name: shop
                    urls: ["https://bob:%s@git.example.com/shop.git", "file:///srv/mirror/shop.git"]
                    credentials-file: %s
                    labels: [main, "release/*"]
                """.formatted(tmp.resolve("data"), tokens, secret, PASSWORD, creds));
    }

    @Test
    void check_goodConfiguration_isOK_exit0() throws Exception {
        Run r = check(List.of("--config=" + secretConfig()), Map.of());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("configuration OK (1 repository)"), r.all());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void check_badConfiguration_listsEveryProblem_exit78() throws Exception {
        Path emptySecret = Files.writeString(tmp.resolve("empty-secret"), "\n");
        Path badCreds = Files.writeString(tmp.resolve("bad-creds"), "just-a-token\n");
        Path file = Files.writeString(tmp.resolve("bad.yml"), """
                sync:
                  interval: soon
                auth:
                  webhook-secret-file: %s
                repos:
                  - name: shop
                    urls: [file:///srv/shop.git]
                    credentials-file: %s
                """.formatted(emptySecret, badCreds));
        Run loaderLevel = check(List.of("--config=" + file, "--auth.tokens-file=" + tmp.resolve("missing")), Map.of());
        assertEquals(78, loaderLevel.code(), loaderLevel.all());
        assertTrue(loaderLevel.err().contains("sync.interval: \"soon\""), loaderLevel.err());
        assertTrue(loaderLevel.err().contains("auth.tokens-file:"), loaderLevel.err());
        assertFalse(loaderLevel.out().contains("configuration OK"), loaderLevel.all());

        Run contentLevel = check(List.of("--config=" + file, "--sync.interval=1m", "--data-dir=" + tmp.resolve("data")), Map.of());
        assertEquals(78, contentLevel.code(), contentLevel.all());
        assertTrue(contentLevel.err().contains("invalid configuration (2 problems)"), contentLevel.err());
        assertTrue(contentLevel.err().contains("auth.webhook-secret-file: " + emptySecret + " is empty"), contentLevel.err());
        assertTrue(contentLevel.err().contains("repository shop: credentials file " + badCreds + ": expected one line"), contentLevel.err());
    }

    @Test
    void check_opensTheKeyStore_aWrongPasswordOrAliasIs78_namingTheProblem_neverThePassword() throws Exception {
        Path store = tmp.resolve("config-server.p12");
        KeyStores.rsa(store, "PKCS12", "right-" + PASSWORD, "right-" + PASSWORD, "v1");
        List<String> base = List.of("--data-dir=" + tmp.resolve("data"), "--http.port=0", "--ws.port=0",
                "--encrypt.key-store.location=" + store, "--encrypt.key-store.type=PKCS12");

        Run good = check(concat(base, "--encrypt.key-store.password=right-" + PASSWORD, "--encrypt.key-store.alias=v1"), Map.of());
        assertEquals(0, good.code(), good.all());

        Run wrongPassword = check(concat(base, "--encrypt.key-store.password=wrong-" + PASSWORD, "--encrypt.key-store.alias=v1"), Map.of());
        assertEquals(78, wrongPassword.code(), wrongPassword.all());
        assertTrue(wrongPassword.err().contains("encrypt.key-store.location: " + store), wrongPassword.err());
        assertTrue(wrongPassword.err().contains("encrypt.key-store.password"), wrongPassword.err());
        assertFalse(wrongPassword.out().contains("configuration OK"), wrongPassword.all());

        Run wrongAlias = check(concat(base, "--encrypt.key-store.password=right-" + PASSWORD, "--encrypt.key-store.alias=v7"), Map.of());
        assertEquals(78, wrongAlias.code(), wrongAlias.all());
        assertTrue(wrongAlias.err().contains("no key with alias \"v7\""), wrongAlias.err());

        Files.writeString(store, "not a key store");
        Run garbage = check(concat(base, "--encrypt.key-store.password=right-" + PASSWORD, "--encrypt.key-store.alias=v1"), Map.of());
        assertEquals(78, garbage.code(), garbage.all());
        assertTrue(garbage.err().contains(store.toString()), garbage.err());
        for (Run r : List.of(good, wrongPassword, wrongAlias, garbage)) {
            assertFalse(r.all().contains(PASSWORD), r.all());
        }
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void check_dataDirThatCannotBeCreated_isAProblem() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("plain-file"), "x");
        Run r = check(List.of("--data-dir=" + notADir.resolve("sub")), Map.of());
        assertEquals(78, r.code(), r.all());
        assertTrue(r.err().contains("data-dir: " + notADir.resolve("sub")), r.err());
    }

    @Test
    void check_portInUse_isReported_notFatal() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = check(List.of("--http.port=" + busy.getLocalPort(), "--ws.port=0", "--data-dir=" + tmp.resolve("d")), Map.of());
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("http 127.0.0.1:" + busy.getLocalPort() + ": in use"), r.out());
            assertTrue(r.out().contains("configuration OK"), r.out());
        }
    }

    @Test
    void check_warnsAboutStrayEnvironmentVariables_butPasses() {
        Run r = check(List.of("--data-dir=" + tmp.resolve("d"), "--http.port=0", "--ws.port=0"), Map.of("VORTEX_TEAM", "ops"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("warning: environment variable VORTEX_TEAM is not a known setting, ignored"), r.out());
    }

    @Test
    void print_namesTheSourceOfEveryValue() throws Exception {
        Path file = secretConfig();
        Run r = print(List.of("--config=" + file, "--ws.max-rate=7"), Map.of("VORTEX_SYNC_INTERVAL", "2m"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("http.port: 0  # file " + file), r.out());
        assertTrue(r.out().contains("ws.max-rate: 7  # flag --ws.max-rate"), r.out());
        assertTrue(r.out().contains("sync.interval: 2m  # env VORTEX_SYNC_INTERVAL"), r.out());
        assertTrue(r.out().contains("sync.debounce: 500ms  # default"), r.out());
        assertTrue(r.out().contains("  - name: shop  # file " + file), r.out());
        assertTrue(r.out().contains("    # default-label: not set, the remote's HEAD is served  # default"), r.out());
        for (String key : ConfigLoader.keys()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(key + ": ")), key + " missing in\n" + r.out());
        }
    }

    @Test
    void print_and_check_neverShowSecrets() throws Exception {
        Path file = secretConfig();
        Run printed = print(List.of("--config=" + file), Map.of());
        Run checked = check(List.of("--config=" + file), Map.of());
        for (String secret : List.of(TOKEN, PASSWORD, SECRET)) {
            assertFalse(printed.all().contains(secret), "leaked " + secret + ":\n" + printed.all());
            assertFalse(checked.all().contains(secret), "leaked " + secret + ":\n" + checked.all());
        }
        assertTrue(printed.out().contains("\"https://REDACTED@git.example.com/shop.git\""), printed.out());
    }

    @Test
    void print_output_readsBackAsTheSameConfiguration() throws Exception {
        Path file = secretConfig();
        List<String> args = List.of("--config=" + file, "--ws.max-rate=7", "--repo=file:///srv/other.git",
                "--overrides.db.password=\\${DB_PASS}", "--overrides.greeting=hi there");
        Run r = print(args, Map.of());
        Path printed = Files.writeString(tmp.resolve("printed.yml"), r.out().replace("REDACTED", "bob:" + PASSWORD));
        assertEquals(ConfigLoader.load(args, Map.of()), ConfigLoader.load(List.of("--config=" + printed), Map.of()));
    }

    @Test
    void print_badConfiguration_exit78() {
        Run r = print(List.of("--http.port=nope"), Map.of());
        assertEquals(78, r.code());
        assertTrue(r.err().contains("http.port: \"nope\""), r.err());
    }

    @Test
    void print_redactsTheProxyUrlsCredentials() {
        Run r = print(List.of("--proxy.url=http://svc:" + PASSWORD + "@proxy.example.com:3128"), Map.of());
        assertEquals(0, r.code(), r.all());
        assertFalse(r.all().contains(PASSWORD), r.all());
        assertTrue(r.out().contains("proxy.url: \"http://REDACTED@proxy.example.com:3128\""), r.out());
    }
}
