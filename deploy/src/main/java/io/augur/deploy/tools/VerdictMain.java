package io.augur.deploy.tools;

import io.augur.launch.CommandLine;
import io.augur.launch.KafkaClients;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./augur verdict TASK --false-positive|--true-positive}: writes one AnalystVerdict (see
 * {@link VerdictOptions#USAGE}). Exit codes: 0 written, 1 unknown task / nothing to judge / Kafka
 * unavailable, 2 bad arguments.
 */
public final class VerdictMain {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private VerdictMain() {}

    public static void main(String[] args) {
        VerdictOptions options =
                CommandLine.parseOrExit(
                        "augur verdict", VerdictOptions.USAGE, VerdictOptions::parse, args);
        System.exit(run(options, Clock.systemUTC(), System.out, System.err));
    }

    static int run(VerdictOptions options, Clock clock, PrintStream out, PrintStream err) {
        AnalystVerdict verdict;
        try {
            JudgedTask task =
                    JudgedTask.read(options.bootstrap(), options.taskId(), options.subject());
            verdict =
                    Verdicts.verdict(options, task, clock.instant(), UUID.randomUUID().toString());
        } catch (Verdicts.NothingToJudge e) {
            err.println("augur verdict: " + e.getMessage());
            return 1;
        } catch (IllegalStateException | KafkaException e) {
            err.println(
                    "augur verdict: cannot read from "
                            + options.bootstrap()
                            + ": "
                            + e.getMessage());
            return 1;
        }
        try {
            RecordMetadata at = write(options.bootstrap(), verdict);
            out.println(
                    RecordJson.write(
                            RecordJson.record(verdict)
                                    .put("_topic", at.topic())
                                    .put("_partition", at.partition())
                                    .put("_offset", at.offset())));
            return 0;
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            err.println(
                    "augur verdict: cannot write to "
                            + Topics.VERDICTS.name()
                            + " on "
                            + options.bootstrap()
                            + ": "
                            + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Sends the verdict with an idempotent producer and waits for the broker's ack. */
    static RecordMetadata write(String bootstrap, AnalystVerdict verdict)
            throws ExecutionException, TimeoutException, InterruptedException {
        Properties p = KafkaClients.idempotentProducer(bootstrap);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            return producer.send(
                            new ProducerRecord<>(
                                    Topics.VERDICTS.name(),
                                    Topic.keyBytes(verdict.getTaskId()),
                                    Topics.VERDICTS.codec().encode(verdict)))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
