package dev.vortex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote-access keys in file, environment and flag form, the proxy from the environment, and their problems. */
class RemoteAccessConfigTest {
    @TempDir
    Path tmp;

    @Test
    void sshAndTlsKeys_inFileForm_nestedOrDotted() throws Exception {
        Path key = Files.writeString(tmp.resolve("id"), "k");
        Path pass = Files.writeString(tmp.resolve("pass"), "p");
        Path hosts = Files.writeString(tmp.resolve("known_hosts"), "");
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "");
        Path file = Files.writeString(tmp.resolve("c.yml"), """
                repos:
                  - name: ssh
                    urls: [git@git.example.com:platform/config.git]
                    ssh:
                      private-key-file: %s
                      passphrase-file: %s
                      known-hosts-file: %s
                      strict-host-key-checking: false
                  - name: tls
                    urls: [https://git.example.com/cfg.git]
                    ca-file: %s
                """.formatted(key, pass, hosts, ca));

        VortexConfig c = ConfigLoader.load(List.of("--config=" + file), Map.of());

        RemoteAccess.Ssh ssh = c.repos().get(0).access().ssh();
        assertEquals(new RemoteAccess.Ssh(Optional.of(key), Optional.of(pass), Optional.of(hosts), false), ssh);
        assertEquals(1, c.repos().get(0).access().warnings().size());
        assertEquals(Optional.of(ca), c.repos().get(1).access().tls().caFile());
        assertTrue(c.repos().get(1).access().ssh().strictHostKeyChecking(), "strict by default");
    }

    @Test
    void sshKeys_inEnvironmentForm() throws Exception {
        Path key = Files.writeString(tmp.resolve("id"), "k");
        VortexConfig c = ConfigLoader.load(List.of(), Map.of("VORTEX_REPOS_0_NAME", "cfg", "VORTEX_REPOS_0_URLS", "ssh://git@h:2222/x.git",
                "VORTEX_REPOS_0_SSH_PRIVATE_KEY_FILE", key.toString(), "VORTEX_REPOS_0_SKIP_SSL_VALIDATION", "true"));
        assertEquals(Optional.of(key), c.repos().get(0).access().ssh().privateKeyFile());
        assertTrue(c.repos().get(0).access().tls().skipSslValidation());
    }

    @Test
    void missingKeyFile_badBoolean_andPassphraseWithoutKey_areEachReported() throws Exception {
        Path pass = Files.writeString(tmp.resolve("pass"), "p");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(), Map.of(
                "VORTEX_REPOS_0_NAME", "a", "VORTEX_REPOS_0_URLS", "git@h:x.git",
                "VORTEX_REPOS_0_SSH_PRIVATE_KEY_FILE", tmp.resolve("nope").toString(),
                "VORTEX_REPOS_1_NAME", "b", "VORTEX_REPOS_1_URLS", "git@h:y.git",
                "VORTEX_REPOS_1_SSH_STRICT_HOST_KEY_CHECKING", "maybe", "VORTEX_REPOS_1_SSH_PASSPHRASE_FILE", pass.toString())));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("repos.0.ssh.private-key-file: \"" + tmp.resolve("nope") + "\" is not a readable file"), all);
        assertTrue(all.contains("repos.1.ssh.strict-host-key-checking: \"maybe\" is not a boolean"), all);
        assertTrue(all.contains("repos.1.ssh.passphrase-file: set without ssh.private-key-file"), all);
    }

    @Test
    void proxy_fromTheEnvironment_withNoProxy_andItsCredentialsNeverShown() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of("--repo=https://git.example.com/cfg.git"),
                Map.of("https_proxy", "http://bob:s3cret@proxy.corp:3128", "no_proxy", "localhost,.internal.corp"));
        RemoteAccess.Proxy p = c.repos().get(0).access().proxy().orElseThrow();
        assertEquals("proxy.corp", p.host());
        assertEquals(3128, p.port());
        assertEquals(Optional.of("bob:s3cret"), p.userInfo());
        assertTrue(p.bypasses("localhost") && p.bypasses("git.internal.corp") && !p.bypasses("git.example.com"));
        assertFalse(p.toString().contains("s3cret") || c.toString().contains("s3cret"), p.toString());
        assertEquals("proxy.corp:3128 (https_proxy)", p.toString());
    }

    @Test
    void proxyUrl_inTheConfig_winsOverTheEnvironment_andABadOneIsReported() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of("--repo=https://h/x.git", "--proxy.url=http://p.local:8080"),
                Map.of("https_proxy", "http://other:1"));
        assertEquals("p.local:8080 (proxy.url)", c.repos().get(0).access().proxy().orElseThrow().toString());

        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of("--repo=https://h/x.git", "--proxy.url=socks5://p:1"), Map.of()));
        assertTrue(e.problems().get(0).startsWith("proxy.url: \"socks5://p:1\" is not an HTTP proxy URL"), e.problems().toString());
    }

    @Test
    void sshUrls_scpLikeAndSshScheme_areAcceptedAndNamedSsh() throws Exception {
        VortexConfig c = ConfigLoader.load(List.of("--repo=git@git.example.com:platform/config.git",
                "--repo=ssh://git@gitlab.example.com:2222/platform/other.git"), Map.of());
        assertEquals(List.of("config", "other"), c.repos().stream().map(RepoConfig::name).toList());
        assertEquals("ssh", Urls.transport(c.repos().get(0).primaryUrl()));
        assertEquals("ssh", Urls.transport(c.repos().get(1).primaryUrl()));
        assertEquals("git.example.com", Urls.host(c.repos().get(0).primaryUrl()));
        assertEquals("gitlab.example.com:2222", Urls.host(c.repos().get(1).primaryUrl()));
        assertEquals("https", Urls.transport("https://h/x.git"));
        assertEquals("file", Urls.transport("file:///srv/x.git"));
    }
}
