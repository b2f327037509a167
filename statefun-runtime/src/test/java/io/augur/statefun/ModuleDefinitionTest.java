package io.augur.statefun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.statefun.flink.core.StatefulFunctionsConfig;
import org.apache.flink.statefun.flink.core.StatefulFunctionsUniverse;
import org.apache.flink.statefun.flink.core.spi.Modules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written module.yaml is what StateFun 3.3.0 itself accepts: loaded with its own loader. */
class ModuleDefinitionTest {

    @TempDir Path dir;

    private final RuntimeOptions options =
            new RuntimeOptions(
                    "127.0.0.1:9092", "http://127.0.0.1:8000/statefun", Path.of("/tmp/x"), 1000, 1);

    @Test
    void rendersEndpointIngressAndExactlyOnceEgresses() {
        String yaml = ModuleDefinition.render(options);

        assertThat(yaml)
                .contains("functions: augur.fn/*")
                .contains("urlPathTemplate: http://127.0.0.1:8000/statefun")
                .contains("isolation.level: read_committed")
                .contains("type: earliest")
                .contains("valueType: augur.types/RiskAssessment")
                .contains("valueType: augur.types/TaskEvent")
                .contains("valueType: augur.types/EnforcementAck")
                .contains("valueType: augur.types/AnalystVerdict")
                .contains("topic: augur.anomalies")
                .contains("valueType: augur.types/SequenceAnomaly")
                .contains("id: augur.io/security")
                .contains("type: exactly-once")
                .contains("transactionTimeout: 10min");
    }

    @Test
    void statefunLoadsTheWrittenModule() throws Exception {
        Path file = ModuleDefinition.write(options, dir);
        Configuration flink = new Configuration();
        flink.setString("statefun.remote.module-name", file.toUri().toString());
        StatefulFunctionsConfig config = StatefulFunctionsConfig.fromFlinkConfiguration(flink);

        StatefulFunctionsUniverse universe =
                Modules.loadFromClassPath(config).createStatefulFunctionsUniverse();

        assertThat(universe.ingress().keySet())
                .extracting(id -> id.namespace() + "/" + id.name())
                .containsExactly(ModuleDefinition.INGRESS_ID);
        assertThat(universe.egress().keySet())
                .extracting(id -> id.namespace() + "/" + id.name())
                .containsExactlyInAnyOrder(
                        ModuleDefinition.DECISIONS_EGRESS,
                        ModuleDefinition.DLQ_EGRESS,
                        ModuleDefinition.SECURITY_EGRESS);
        assertThat(universe.namespaceFunctions()).containsKey("augur.fn");
    }

    /** deploy/k8s's runtime manifest, from this module's directory (where the tests run). */
    static final Path K8S_MANIFEST = Path.of("../deploy/k8s/statefun-runtime.yaml");

    /**
     * The module.yaml the Kubernetes manifest gives the official StateFun image is exactly what
     * {@link ModuleDefinition} renders for the cluster's Kafka bootstrap and function Service (the
     * deploy module's K8sManifestsTest checks those two against the KafkaTopics' cluster and the
     * function server's Service): no hand-kept second copy.
     */
    @Test
    void theKubernetesModuleIsTheRenderedOne() throws IOException {
        RuntimeOptions cluster =
                new RuntimeOptions(
                        "augur-kafka-kafka-bootstrap:9092",
                        "http://augur-functions:8000/statefun",
                        Path.of("/tmp/x"),
                        1000,
                        1);
        assertThat(shippedModuleYaml()).isEqualTo(ModuleDefinition.render(cluster));
    }

    @Test
    void statefunLoadsTheKubernetesModule() throws Exception {
        Path file = dir.resolve("module.yaml");
        Files.writeString(file, shippedModuleYaml(), StandardCharsets.UTF_8);
        Configuration flink = new Configuration();
        flink.setString("statefun.remote.module-name", file.toUri().toString());
        StatefulFunctionsUniverse universe =
                Modules.loadFromClassPath(StatefulFunctionsConfig.fromFlinkConfiguration(flink))
                        .createStatefulFunctionsUniverse();
        assertThat(universe.egress()).hasSize(3);
        assertThat(universe.namespaceFunctions()).containsKey("augur.fn");
    }

    /**
     * The literal block {@code module.yaml: |} of the manifest's ConfigMap: its lines without their
     * indentation, up to the next document, with one final newline (YAML's clip chomping).
     */
    static String shippedModuleYaml() throws IOException {
        List<String> lines = Files.readAllLines(K8S_MANIFEST, StandardCharsets.UTF_8);
        int start = lines.indexOf("  module.yaml: |");
        assertThat(start).as("module.yaml block in " + K8S_MANIFEST).isNotNegative();
        List<String> block = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (!line.isEmpty() && !line.startsWith("    ")) {
                break;
            }
            block.add(line.isEmpty() ? "" : line.substring(4));
        }
        while (!block.isEmpty() && block.get(block.size() - 1).isEmpty()) {
            block.remove(block.size() - 1);
        }
        return String.join("\n", block) + "\n";
    }
}
