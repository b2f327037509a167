package io.augur.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records whose own timestamp is older than the retention (a collector replaying its spool, a job
 * catching up, the tests' fixed scenario clock) must survive the broker's retention check: every
 * Augur topic, and every topic of the local broker, stamps records on arrival. A topic created with
 * {@code CreateTime} shows what happens otherwise.
 */
class EventTimeRetentionIT {

    @TempDir Path dir;

    /** Far older than the 7-day default retention. */
    private static final long LONG_AGO = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();

    @Test
    void recordsStampedWithAnOldEventTimeOutliveTheRetentionCheck() throws Exception {
        try (ForkedKafka kafka =
                ForkedKafka.start(
                        dir.resolve("kafka"),
                        Map.of(
                                "log.initial.task.delay.ms", "500",
                                "log.retention.check.interval.ms", "500"))) {
            kafka.createAugurTopics();
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                a.createTopics(
                                List.of(
                                        new NewTopic("it-create-time", 1, (short) 1)
                                                .configs(
                                                        Map.of(
                                                                "message.timestamp.type",
                                                                "CreateTime"))))
                        .all()
                        .get();
            }
            List<String> topics = List.of(Topics.RISK.name(), "it-auto-created", "it-create-time");
            try (var producer =
                    new KafkaProducer<byte[], byte[]>(
                            KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
                for (String topic : topics) {
                    producer.send(
                                    new ProducerRecord<>(
                                            topic,
                                            0,
                                            LONG_AGO,
                                            "k".getBytes(StandardCharsets.UTF_8),
                                            ("written to " + topic)
                                                    .getBytes(StandardCharsets.UTF_8)))
                            .get();
                }
            }

            try (var consumer =
                    new KafkaConsumer<byte[], byte[]>(
                            KafkaClients.readCommittedReader(kafka.bootstrapServers()))) {
                // The check runs every 500 ms: the CreateTime topic loses its record.
                TopicPartition control = new TopicPartition("it-create-time", 0);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (consumer.beginningOffsets(List.of(control)).get(control) == 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(consumer.beginningOffsets(List.of(control)).get(control))
                        .as("the retention check deleted the CreateTime record")
                        .isEqualTo(1);

                List<TopicPartition> kept =
                        List.of(
                                new TopicPartition(Topics.RISK.name(), 0),
                                new TopicPartition("it-auto-created", 0));
                consumer.assign(kept);
                consumer.seekToBeginning(kept);
                List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read.size() < 2 && System.nanoTime() < until) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
                assertThat(read)
                        .extracting(ConsumerRecord::topic)
                        .containsExactlyInAnyOrder(Topics.RISK.name(), "it-auto-created");
                assertThat(read)
                        .allSatisfy(
                                r -> {
                                    assertThat(r.timestampType())
                                            .isEqualTo(TimestampType.LOG_APPEND_TIME);
                                    assertThat(r.timestamp()).isGreaterThan(LONG_AGO);
                                });
            }
        }
    }
}
