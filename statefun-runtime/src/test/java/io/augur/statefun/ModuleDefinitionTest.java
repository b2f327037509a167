package io.augur.statefun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}
