package dev.vortex.git;

import dev.vortex.config.RemoteAccess;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the JDK's proxy authentication challenges (407) for the configured proxy, with the
 * user and password of its URL or of {@code proxy.credentials-file} (read at every challenge).
 * The JDK's HTTP client asks only a process-wide {@link Authenticator}, so this is one; it
 * answers nothing but proxy challenges from a registered proxy.
 */
final class ProxyAuth extends Authenticator {
    private static final Map<String, RemoteAccess.Proxy> PROXIES = new ConcurrentHashMap<>();
    private static final ProxyAuth INSTANCE = new ProxyAuth();

    static {
        allowBasicForTunnels();
    }

    private ProxyAuth() {
    }

    /**
     * The JDK refuses Basic proxy authentication for https tunnels (CONNECT) unless told otherwise;
     * this must run before the JDK's HTTP client class is first loaded, so the daemon calls it at start.
     */
    static void allowBasicForTunnels() {
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
    }

    static void register(RemoteAccess.Proxy proxy) {
        if (proxy.userInfo().isEmpty() && proxy.credentialsFile().isEmpty()) {
            return;
        }
        if (PROXIES.put(key(proxy.host(), proxy.port()), proxy) == null) {
            Authenticator.setDefault(INSTANCE);
        }
    }

    private static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
        if (getRequestorType() != RequestorType.PROXY) {
            return null;
        }
        RemoteAccess.Proxy proxy = PROXIES.get(key(getRequestingHost(), getRequestingPort()));
        if (proxy == null) {
            return null;
        }
        Optional<String> userInfo = proxy.userInfo();
        if (proxy.credentialsFile().isPresent()) {
            try {
                userInfo = Optional.of(Files.readString(proxy.credentialsFile().get(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                return null; // the proxy's 407 then fails the fetch; the file is checked at start
            }
        }
        return userInfo.filter(u -> u.indexOf(':') > 0)
                .map(u -> new PasswordAuthentication(u.substring(0, u.indexOf(':')), u.substring(u.indexOf(':') + 1).toCharArray()))
                .orElse(null);
    }
}
