package dev.vortex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vortex.config.ConfigLoader;
import dev.vortex.testing.Haproxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The examples in etc/cluster stay true: HAProxy accepts its file, and every VORTEX_* variable they set is a real setting. */
class ClusterExamplesTest {
    private static final Set<String> KNOWN = ConfigLoader.keys().stream().map(ConfigLoader::envName).collect(Collectors.toSet());

    @Test
    void haproxyAcceptsTheExample() throws Exception {
        Haproxy.require();
        Optional<String> refused = Haproxy.check(Path.of("etc/cluster/haproxy.cfg"));
        assertTrue(refused.isEmpty(), refused.orElse(""));
    }

    @Test
    void systemdDropIn_setsKnownSettings_withTheSecretAsACredential() throws Exception {
        String dropIn = Files.readString(Path.of("etc/cluster/systemd/cluster.conf"));
        Matcher m = Pattern.compile("Environment=(VORTEX_[A-Z_]+)=").matcher(dropIn);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(names.contains("VORTEX_CLUSTER_PEERS") && names.contains("VORTEX_AUTH_CLUSTER_SECRET_FILE"), names.toString());
        names.forEach(n -> assertTrue(KNOWN.contains(n), n + " is not a setting"));
        assertTrue(dropIn.contains("LoadCredential=cluster-secret:"), dropIn);
    }

    @Test
    void kubernetesManifests_haveProbesHeadlessServiceAndBudget_usingPeersDns() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(Path.of("etc/cluster/kubernetes/vortex.yaml").toFile())) {
            it.forEachRemaining(docs::add);
        }
        assertEquals(List.of("Deployment", "Service", "Service", "PodDisruptionBudget"), docs.stream().map(d -> d.path("kind").asText()).toList());
        JsonNode container = docs.getFirst().at("/spec/template/spec/containers/0");
        assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("None", docs.get(1).at("/spec/clusterIP").asText());
        List<String> env = new ArrayList<>();
        container.path("env").forEach(e -> env.add(e.path("name").asText()));
        assertTrue(env.contains("VORTEX_CLUSTER_PEERS_DNS"), env.toString());
        env.stream().filter(n -> n.startsWith("VORTEX_")).forEach(n -> assertTrue(KNOWN.contains(n), n + " is not a setting"));
        String dns = container.path("env").findValues("value").stream().map(JsonNode::asText).filter(v -> v.startsWith("vortexd-peers.")).findFirst().orElse("");
        assertTrue(dns.startsWith(docs.get(1).at("/metadata/name").asText() + "."), dns);
    }
}
