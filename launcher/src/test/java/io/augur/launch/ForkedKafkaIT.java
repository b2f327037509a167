package io.augur.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forked KRaft broker every IT and the local stack use. */
class ForkedKafkaIT {

    @TempDir static Path dir;
    static ForkedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aTopicIsServedByItsLeaderAsSoonAsItsCreationReturns() throws Exception {
        kafka.createTopic("it-fresh", 4);
        // An idempotent producer's very first write to every partition goes through at once:
        // written in between, a NOT_LEADER_OR_FOLLOWER can leave it looping on
        // OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (ForkedKafka.awaitLeaders).
        // The race is rare (one CI run in many): this checks the guarantee, it cannot force the
        // race, so without the wait it would usually pass too.
        try (var producer =
                new KafkaProducer<byte[], byte[]>(
                        KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            for (int p = 0; p < 4; p++) {
                assertThat(
                                producer.send(
                                                new ProducerRecord<>(
                                                        "it-fresh", p, null, new byte[] {1}))
                                        .get(10, java.util.concurrent.TimeUnit.SECONDS)
                                        .partition())
                        .isEqualTo(p);
            }
        }
    }

    @Test
    void aTransactionalWriteIsInvisibleToReadCommittedUntilCommit() throws Exception {
        ResourceSample sample = Fixtures.sample("tx-task", Fixtures.T0, 0.5, 1L << 20);
        try (var producer =
                        new KafkaProducer<byte[], byte[]>(
                                KafkaClients.transactionalProducer(
                                        kafka.bootstrapServers(), "it-tx"));
                var probe = new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(
                            new ProducerRecord<>(
                                    Topics.RESOURCES.name(),
                                    Topic.keyBytes("tx-task"),
                                    Topics.RESOURCES.codec().encode(sample)))
                    .get();
            producer.flush();

            // Other tests of this class write to the same topic: look only at this test's task.
            assertThat(probe.drain(Duration.ofSeconds(2)))
                    .as("uncommitted write seen by read_committed")
                    .noneMatch(r -> r.getTaskId().equals("tx-task"));

            producer.commitTransaction();
            assertThat(
                            probe.awaitUntil(
                                    s -> s.stream().anyMatch(r -> r.getTaskId().equals("tx-task")),
                                    Duration.ofSeconds(30)))
                    .filteredOn(r -> r.getTaskId().equals("tx-task"))
                    .containsExactly(sample);
        }
    }

    @Test
    void anAbortedTransactionIsNeverSeen() throws Exception {
        ResourceSample aborted = Fixtures.sample("aborted", Fixtures.T0, 9, 9);
        ResourceSample committed = Fixtures.sample("committed", Fixtures.T0, 1, 1);
        try (var producer =
                        new KafkaProducer<byte[], byte[]>(
                                KafkaClients.transactionalProducer(
                                        kafka.bootstrapServers(), "it-abort"));
                var probe = new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(aborted)).get();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record(committed)).get();
            producer.commitTransaction();

            var seen =
                    probe.awaitUntil(
                            s -> s.stream().anyMatch(r -> r.getTaskId().equals("committed")),
                            Duration.ofSeconds(30));
            assertThat(seen).extracting(ResourceSample::getTaskId).doesNotContain("aborted");
        }
    }

    @Test
    void committedRecordsSurviveABrokerRestartOnTheSameDirectory() throws Exception {
        ResourceSample kept = Fixtures.sample("kept-across-restart", Fixtures.T0, 0.3, 3);
        try (var producer =
                new KafkaProducer<byte[], byte[]>(
                        KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            producer.send(record(kept)).get();
        }

        kafka.stop();
        kafka.start();

        try (var probe = new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES)) {
            assertThat(
                            probe.awaitUntil(
                                    s ->
                                            s.stream()
                                                    .anyMatch(
                                                            r ->
                                                                    r.getTaskId()
                                                                            .equals(
                                                                                    "kept-across-restart")),
                                    Duration.ofSeconds(60)))
                    .contains(kept);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(ResourceSample s) {
        return new ProducerRecord<>(
                Topics.RESOURCES.name(),
                Topic.keyBytes(s.getTaskId()),
                Topics.RESOURCES.codec().encode(s));
    }
}
