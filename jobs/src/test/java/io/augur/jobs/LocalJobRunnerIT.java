package io.augur.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.ForkedKafka;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import io.augur.schema.RiskAssessment;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalJobRunner} as the local stack starts it: its own JVM with the jobs classpath. */
class LocalJobRunnerIT {
    private static final String MAIN = LocalJobRunner.class.getName();

    @TempDir Path dir;

    private JavaProcess start(String name, String... args) throws IOException {
        return JavaProcess.builder("jobs", MAIN)
                .name(name)
                .args(args)
                .log(dir.resolve(name + ".log"))
                .start();
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        JavaProcess p = start("help", "--help");
        assertThat(p.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(p.process().exitValue()).isZero();
        assertThat(Files.readString(p.log())).contains("usage: LocalJobRunner --bootstrap");
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() throws Exception {
        JavaProcess missing = start("missing", "--checkpoint-dir", dir.toString());
        JavaProcess negative =
                start(
                        "negative",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--checkpoint-dir",
                        dir.toString(),
                        "--window-ms",
                        "-3");
        JavaProcess noModel =
                start(
                        "no-model",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--checkpoint-dir",
                        dir.toString(),
                        "--model-dir",
                        dir.resolve("no-models-here").toString());
        assertThat(missing.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(negative.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(noModel.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(missing.process().exitValue()).isEqualTo(2);
        assertThat(negative.process().exitValue()).isEqualTo(2);
        assertThat(noModel.process().exitValue()).isEqualTo(2);
        assertThat(Files.readString(missing.log())).contains("missing --bootstrap");
        assertThat(Files.readString(negative.log())).contains("--window-ms must be > 0");
        assertThat(Files.readString(noModel.log()))
                .contains("profiler.forecast.model-dir")
                .contains("no-models-here")
                .contains("ewma");
    }

    @Test
    void runsTheJobUntilSigterm() throws Exception {
        try (ForkedKafka kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                KafkaClients.idempotentProducer(kafka.bootstrapServers()));
                TopicProbe<RiskAssessment> risk =
                        new TopicProbe<>(kafka.bootstrapServers(), Topics.RISK)) {
            int metricsPort;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                metricsPort = free.getLocalPort();
            }
            JavaProcess runner =
                    start(
                            "runner",
                            "--bootstrap",
                            kafka.bootstrapServers(),
                            "--checkpoint-dir",
                            dir.resolve("checkpoints").toString(),
                            "--parallelism",
                            "1",
                            "--group-id",
                            "local-runner-it",
                            "--model-dir",
                            io.augur.jobs.forecast.TestModels.shipped().toString(),
                            "--profiler.watermark.idleness",
                            "1s",
                            // The sequence branch too: its counters are alerted on.
                            "--sequence-model-dir",
                            io.augur.jobs.sequence.SequenceTestModels.registry().toString(),
                            "--metrics-port",
                            Integer.toString(metricsPort));
            try {
                String ready =
                        runner.awaitLogLine(
                                l -> l.startsWith("JOB RUNNING "), Duration.ofMinutes(2));
                assertThat(ready).matches("JOB RUNNING [0-9a-f]{32}");

                producer.send(
                        new ProducerRecord<>(
                                Topics.TASKS.name(),
                                Topic.keyBytes("runner-task"),
                                Topics.TASKS
                                        .codec()
                                        .encode(
                                                Fixtures.taskStarted(
                                                        "runner-task", Fixtures.USER, "worker"))));
                for (int s = 0; s < 10; s++) {
                    ResourceSample sample =
                            Fixtures.sample(
                                    "runner-task", Fixtures.T0.plusSeconds(s), 0.2, 1L << 20);
                    producer.send(
                            new ProducerRecord<>(
                                    Topics.RESOURCES.name(),
                                    Topic.keyBytes(sample.getTaskId()),
                                    Topics.RESOURCES.codec().encode(sample)));
                }
                producer.flush();
                List<RiskAssessment> out =
                        risk.awaitUntil(l -> !l.isEmpty(), Duration.ofMinutes(3));
                assertThat(out.get(0).getTaskId()).isEqualTo("runner-task");

                // The job's metrics for Prometheus, under the names the alerting rules use.
                String metrics = scrape(metricsPort);
                assertThat(metrics)
                        .contains("flink_taskmanager_job_task_operator_liveCoverage{")
                        .contains("flink_taskmanager_job_task_operator_unknownTaskWindows{")
                        .contains("flink_taskmanager_job_task_operator_modelFallbacks{")
                        .contains("flink_taskmanager_job_task_operator_modelForecasts{")
                        // The Kafka sources' backlog (FLIP-33), for the consumer-lag alert.
                        .contains("flink_taskmanager_job_task_operator_pendingRecords{")
                        // The sequence branch's, for AugurSequenceAnomalyHigh and
                        // AugurSequenceInferenceStalled.
                        .contains("flink_taskmanager_job_task_operator_sequenceHighWindows{")
                        .contains("flink_taskmanager_job_task_operator_sequenceCallsScored{")
                        .contains("flink_taskmanager_job_task_operator_sequenceCallsUnscored{")
                        .contains("flink_taskmanager_job_task_operator_duplicateInvocations{");
                // AugurProfilerLagging sums it by job_name (the reporter writes - as _).
                assertThat(metrics.lines())
                        .anyMatch(
                                l ->
                                        l.startsWith(
                                                        "flink_taskmanager_job_task_operator_pendingRecords{")
                                                && l.contains(
                                                        "job_name=\"augur_behavior_profiler\""));
            } finally {
                runner.close();
            }
            assertThat(runner.isAlive()).isFalse();
            assertThat(Files.readString(runner.log())).contains("cancelled job");
        }
    }

    private static String scrape(int port) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var request =
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
        return client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
