package io.augur.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link BehaviorProfilerJob} on a MiniCluster inside this JVM, for the local stack and
 * demos. Prints {@code JOB RUNNING <jobId>} on stdout once the job is submitted; SIGTERM cancels
 * the job and exits.
 */
public final class LocalJobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LocalJobRunner.class);

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: LocalJobRunner --bootstrap HOST:PORT --checkpoint-dir DIR"
                            + " [--window-ms N] [--checkpoint-interval-ms N] [--parallelism N]"
                            + " [--group-id ID] [--forecaster lstm|ewma] [--model-dir DIR]"
                            + " [--sequence-model-dir DIR]"
                            + " [--metrics-port N] [--profiler.KEY VALUE ...]",
                    "",
                    "Runs Augur's behavioural profiler on a local Flink MiniCluster in this JVM.",
                    "  --bootstrap HOST:PORT       Kafka bootstrap servers (required)",
                    "  --checkpoint-dir DIR        where checkpoints are written (required)",
                    "  --window-ms N               tumbling window size (default 2000)",
                    "  --checkpoint-interval-ms N  checkpoint interval (default 1000)",
                    "  --parallelism N             job parallelism = MiniCluster slots (default 1)",
                    "  --group-id ID               source consumer group (default augur-profiler)",
                    "  --forecaster lstm|ewma      the LSTM served by DJL (default) or the EWMA alone",
                    "  --model-dir DIR             LSTM model versions (default models/forecaster,"
                            + " relative to the working directory); a newer version is picked up"
                            + " while the job runs",
                    "  --sequence-model-dir DIR    turn on the invocation-sequence branch"
                            + " (augur.telemetry.invocations + augur.verdicts → augur.anomalies)"
                            + " with the next-call models of DIR/<role>/<version>/ (off by"
                            + " default); a newer version is picked up while the job runs",
                    "  --metrics-port N            serve the job's Flink metrics (live forecast"
                            + " coverage, unknown tasks, model fallbacks, ...) for Prometheus at"
                            + " http://HOST:N/metrics (default: none)",
                    "  --profiler.KEY VALUE        any other profiler option by its full key",
                    "Prints 'JOB RUNNING <jobId>' on stdout when the job is submitted; SIGTERM"
                            + " cancels it.");

    private LocalJobRunner() {}

    public static void main(String[] args) throws Exception {
        JobArguments arguments;
        ProfilerSettings settings;
        Path checkpointDir;
        int parallelism;
        Integer metricsPort;
        try {
            arguments = JobArguments.parse(args, BehaviorProfilerJob.localOptions());
            if (arguments.help()) {
                System.out.println(USAGE);
                return;
            }
            arguments.require("bootstrap");
            checkpointDir = Path.of(arguments.require("checkpoint-dir")).toAbsolutePath();
            parallelism =
                    arguments.get("parallelism") == null
                            ? 1
                            : Math.toIntExact(arguments.positiveLong("parallelism"));
            metricsPort =
                    arguments.get("metrics-port") == null
                            ? null
                            : Math.toIntExact(arguments.positiveLong("metrics-port"));
            settings = JobArguments.settings(arguments.profilerConfiguration());
        } catch (JobArguments.UsageException | ArithmeticException e) {
            System.err.println("LocalJobRunner: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Files.createDirectories(checkpointDir);

        Configuration cluster = clusterConfiguration(checkpointDir);
        if (metricsPort != null) {
            cluster.addAll(prometheusReporter(metricsPort));
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, cluster);
        BehaviorProfilerJob.withKafka(settings, Clock.systemUTC()).build(env);
        JobClient client = env.executeAsync(BehaviorProfilerJob.JOB_NAME);
        JobID jobId = client.getJobID();
        LOG.info("submitted {} as {} with {}", BehaviorProfilerJob.JOB_NAME, jobId, settings);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    cancel(client);
                                    stopped.countDown();
                                },
                                "local-job-shutdown"));
        System.out.println("JOB RUNNING " + jobId);
        System.out.flush();

        try {
            client.getJobExecutionResult().get();
            LOG.info("job {} finished", jobId);
        } catch (ExecutionException e) {
            if (stopped.getCount() == 0 || stopped.await(30, TimeUnit.SECONDS)) {
                // Cancelled by our own shutdown hook: the expected way to stop.
                LOG.info("job {} cancelled", jobId);
                return;
            }
            LOG.error("job {} failed", jobId, e.getCause());
            System.exit(1);
        }
    }

    /** MiniCluster settings: file checkpoints in {@code dir}, restart after any failure. */
    public static Configuration clusterConfiguration(Path dir) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        return conf;
    }

    /**
     * Flink's Prometheus reporter on {@code port}: every Flink and job metric as {@code
     * flink_<scope>_<name>}, e.g. {@code flink_taskmanager_job_task_operator_liveCoverage}.
     */
    public static Configuration prometheusReporter(int port) {
        Configuration conf = new Configuration();
        conf.set(
                ConfigOptions.key("metrics.reporter.prom.factory.class")
                        .stringType()
                        .noDefaultValue(),
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.set(
                ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                Integer.toString(port));
        return conf;
    }

    private static void cancel(JobClient client) {
        try {
            client.cancel().get(30, TimeUnit.SECONDS);
            LOG.info("cancelled job {}", client.getJobID());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while cancelling job {}", client.getJobID(), e);
        } catch (ExecutionException | TimeoutException e) {
            // The job may already be finished or the cluster gone; nothing left to stop.
            LOG.warn("could not cancel job {}: {}", client.getJobID(), e.toString());
        }
    }
}
