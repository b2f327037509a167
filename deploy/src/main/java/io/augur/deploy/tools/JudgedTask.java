package io.augur.deploy.tools;

import io.augur.launch.KafkaClients;
import io.augur.schema.RiskAssessment;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topics;
import io.augur.schema.VerdictSubject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What {@code ./augur verdict} needs to know of a task before judging it: its role (its latest
 * TaskEvent on the compacted augur.tasks) and the windowEnds of the records that can be judged (its
 * SequenceAnomalies or RiskAssessments, in the order they were written). Read read_committed from
 * the one partition that holds the task's key.
 *
 * @param role the task's role, empty when augur.tasks does not know the task
 * @param windowEnds windowEnd (epoch ms) of each judgeable record, oldest first
 */
public record JudgedTask(Optional<String> role, List<Long> windowEnds) {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Reads the task from the cluster at {@code bootstrap}. */
    public static JudgedTask read(String bootstrap, String taskId, VerdictSubject subject) {
        Properties p = KafkaClients.readCommittedReader(bootstrap);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            int[] bad = new int[1];
            List<TaskEvent> events = TaskHistory.read(consumer, Topics.TASKS, taskId, bad);
            Optional<String> role =
                    events.isEmpty()
                            ? Optional.empty()
                            : Optional.of(events.get(events.size() - 1).getRole());
            List<Long> ends =
                    subject == VerdictSubject.SEQUENCE
                            ? TaskHistory.read(consumer, Topics.ANOMALIES, taskId, bad).stream()
                                    .map(SequenceAnomaly::getWindowEnd)
                                    .map(java.time.Instant::toEpochMilli)
                                    .toList()
                            : TaskHistory.read(consumer, Topics.RISK, taskId, bad).stream()
                                    .map(RiskAssessment::getWindowEnd)
                                    .map(java.time.Instant::toEpochMilli)
                                    .toList();
            return new JudgedTask(role, ends);
        }
    }
}
