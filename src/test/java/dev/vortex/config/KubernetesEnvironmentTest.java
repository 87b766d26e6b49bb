package dev.vortex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vortex.Vortexd;
import dev.vortex.testing.Http;
import dev.vortex.testing.TestRepo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes' service-link variables and stray VORTEX_* variables do not stop a start; typos of settings still do. */
class KubernetesEnvironmentTest {
    /** What Kubernetes injects into every pod of a namespace holding a Service named {@code vortex} (ports 8888, 8889 named http, ws). */
    static Map<String, String> serviceLinks(String service) {
        String n = service.toUpperCase().replace('-', '_');
        Map<String, String> env = new LinkedHashMap<>();
        env.put(n + "_SERVICE_HOST", "10.0.0.1");
        env.put(n + "_SERVICE_PORT", "8888");
        env.put(n + "_SERVICE_PORT_HTTP", "8888");
        env.put(n + "_SERVICE_PORT_WS", "8889");
        env.put(n + "_PORT", "tcp://10.0.0.1:8888");
        for (String port : List.of("8888", "8889")) {
            String p = n + "_PORT_" + port + "_TCP";
            env.put(p, "tcp://10.0.0.1:" + port);
            env.put(p + "_PROTO", "tcp");
            env.put(p + "_PORT", port);
            env.put(p + "_ADDR", "10.0.0.1");
        }
        return env;
    }

    @Test
    void daemon_withTheVariablesOfAServiceNamedVortex_startsAndServes(@TempDir Path tmp) throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo")).write("application.yml", "greeting: hello\n");
        repo.commit("first");
        Map<String, String> env = new LinkedHashMap<>(serviceLinks("vortex"));
        env.put("VORTEX_DATA_DIR", tmp.resolve("data").toString());
        env.put("VORTEX_HTTP_PORT", "0");
        env.put("VORTEX_WS_PORT", "0");
        env.put("VORTEX_LOG_LEVEL", "warn");
        Vortexd daemon = Vortexd.launch(List.of("--repo=" + repo.url()), env);
        try {
            Http http = new Http(daemon.httpPort());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> http.get("/ready").statusCode() == 200);
            var answer = http.get("/app/default");
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("hello"), answer.body());
        } finally {
            daemon.shutdown();
        }
    }

    @Test
    void serviceLinkVariables_ofAServiceNamedVortex_areIgnored() throws Exception {
        var loaded = ConfigLoader.loadWithSources(List.of(), serviceLinks("vortex"));
        assertEquals(List.of(), loaded.warnings());
        assertEquals(8888, loaded.config().http().port());
        assertEquals(8889, loaded.config().ws().port());
    }

    @Test
    void serviceLinkVariables_ofOtherVortexServices_andIpv6_areIgnored() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(serviceLinks("vortex-metrics"));
        env.put("VORTEX_SERVICE_HOST", "fd00::1");
        env.put("VORTEX_PORT_8888_TCP_ADDR", "fd00::1");
        env.put("VORTEX_PORT_53_UDP", "udp://10.0.0.1:53");
        assertEquals(List.of(), ConfigLoader.loadWithSources(List.of(), env).warnings());
    }

    @Test
    void unrelatedVortexVariable_isAWarning_namingIt() throws Exception {
        var loaded = ConfigLoader.loadWithSources(List.of(), Map.of("VORTEX_DEPLOY_COLOUR", "blue", "VORTEX_SYNC_INTERVAL_NOTE", "x"));
        assertEquals(2, loaded.warnings().size(), loaded.warnings().toString());
        assertTrue(loaded.warnings().contains("environment variable VORTEX_DEPLOY_COLOUR is not a known setting, ignored"),
                loaded.warnings().toString());
        assertTrue(loaded.warnings().contains(
                "environment variable VORTEX_SYNC_INTERVAL_NOTE is not a known setting, ignored (did you mean VORTEX_SYNC_INTERVAL?)"),
                loaded.warnings().toString());
    }

    @Test
    void nearMissOfARealSetting_staysAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of(), Map.of("VORTEX_SYNC_INTERVL", "10s")));
        assertEquals(List.of("environment variable VORTEX_SYNC_INTERVL is not a known setting (did you mean VORTEX_SYNC_INTERVAL?)"),
                e.problems());
    }

    @Test
    void settingTypo_shapedLikeAServiceLink_isNotTakenForOne() {
        // VORTEX_HTPP_PORT=8080 has the name shape of <NAME>_PORT but not its tcp:// value
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of(), Map.of("VORTEX_HTPP_PORT", "8080")));
        assertEquals(List.of("environment variable VORTEX_HTPP_PORT is not a known setting (did you mean VORTEX_HTTP_PORT?)"),
                e.problems());
    }

    @Test
    void unknownFileKeys_unknownFlags_andRepoKeys_stayErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(
                List.of("--deploy.colour=blue"), Map.of("VORTEX_REPOS_0_COLOUR", "red", "VORTEX_REPOS_0_URLS", "file:///x/y")));
        assertTrue(e.problems().contains("flag --deploy.colour is not a known setting"), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("VORTEX_REPOS_0_COLOUR: unknown repository key \"colour\"")),
                e.problems().toString());
    }
}
