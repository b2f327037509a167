package io.augur.statefun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The StateFun remote module (module.yaml) of Augur: the HTTP endpoint of the {@code augur.fn/*}
 * functions, one Kafka ingress for the task, risk, anomaly, ack and verdict topics, and
 * exactly-once Kafka egresses for decisions, dead letters and security events. The runtime points
 * {@code statefun.remote.module-name} at the written file; so does {@code ./augur statefun submit}
 * (cluster module) for the official StateFun distribution on a Flink 1.16 cluster.
 */
public final class ModuleDefinition {

    /** Function namespace served by the remote endpoint. */
    public static final String FUNCTIONS = "augur.fn/*";

    /** The function every ingress record goes to; its id is the Kafka key (taskId). */
    public static final String TASK_FUNCTION = "augur.fn/task";

    public static final String INGRESS_ID = "augur.io/ingress";
    public static final String DECISIONS_EGRESS = "augur.io/decisions";
    public static final String DLQ_EGRESS = "augur.io/dlq";
    public static final String SECURITY_EGRESS = "augur.io/security";
    public static final String CONSUMER_GROUP = "augur-statefun";

    /**
     * Kafka's broker default transaction.max.timeout.ms is 15 min: a longer producer timeout is
     * refused, a much shorter one aborts transactions of a slow checkpoint.
     */
    public static final String TRANSACTION_TIMEOUT = "10min";

    /** Topic, value type name (what the functions' Types expect) of each ingress topic. */
    static final List<String[]> INGRESS_TOPICS =
            List.of(
                    new String[] {"augur.tasks", "augur.types/TaskEvent"},
                    new String[] {"augur.risk", "augur.types/RiskAssessment"},
                    new String[] {"augur.anomalies", "augur.types/SequenceAnomaly"},
                    new String[] {"augur.acks", "augur.types/EnforcementAck"},
                    new String[] {"augur.verdicts", "augur.types/AnalystVerdict"});

    private ModuleDefinition() {}

    /** The module.yaml text for these options. */
    public static String render(RuntimeOptions options) {
        return render(options.bootstrap(), options.functionsUrl());
    }

    /**
     * The module.yaml text for a Kafka cluster and a function endpoint.
     *
     * @param bootstrap Kafka bootstrap servers (HOST:PORT[,HOST:PORT...])
     * @param functionsUrl the remote functions' request-reply URL
     */
    public static String render(String bootstrap, String functionsUrl) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("kind: io.statefun.endpoints.v2/http\n")
                .append("spec:\n")
                .append("  functions: ")
                .append(FUNCTIONS)
                .append('\n')
                .append("  urlPathTemplate: ")
                .append(functionsUrl)
                .append('\n')
                .append("---\n")
                .append("kind: io.statefun.kafka.v1/ingress\n")
                .append("spec:\n")
                .append("  id: ")
                .append(INGRESS_ID)
                .append('\n')
                .append("  address: ")
                .append(bootstrap)
                .append('\n')
                .append("  consumerGroupId: ")
                .append(CONSUMER_GROUP)
                .append('\n')
                // Only on the very first start; a restored job resumes from checkpointed offsets.
                .append("  startupPosition:\n")
                .append("    type: earliest\n")
                .append("  properties:\n")
                // The producers upstream are transactional: never act on aborted records.
                .append("    - isolation.level: read_committed\n")
                .append("  topics:\n");
        for (String[] topic : INGRESS_TOPICS) {
            yaml.append("    - topic: ")
                    .append(topic[0])
                    .append('\n')
                    .append("      valueType: ")
                    .append(topic[1])
                    .append('\n')
                    .append("      targets:\n")
                    .append("        - ")
                    .append(TASK_FUNCTION)
                    .append('\n');
        }
        egress(yaml, DECISIONS_EGRESS, bootstrap);
        egress(yaml, DLQ_EGRESS, bootstrap);
        egress(yaml, SECURITY_EGRESS, bootstrap);
        return yaml.toString();
    }

    private static void egress(StringBuilder yaml, String id, String bootstrap) {
        yaml.append("---\n")
                .append("kind: io.statefun.kafka.v1/egress\n")
                .append("spec:\n")
                .append("  id: ")
                .append(id)
                .append('\n')
                .append("  address: ")
                .append(bootstrap)
                .append('\n')
                .append("  deliverySemantic:\n")
                .append("    type: exactly-once\n")
                .append("    transactionTimeout: ")
                .append(TRANSACTION_TIMEOUT)
                .append('\n');
    }

    /** Writes module.yaml into {@code dir} and returns its path. */
    public static Path write(RuntimeOptions options, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("module.yaml");
        Files.writeString(file, render(options), StandardCharsets.UTF_8);
        return file;
    }
}
