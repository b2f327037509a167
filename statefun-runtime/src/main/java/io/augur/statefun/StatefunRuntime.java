package io.augur.statefun;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.statefun.flink.harness.Harness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Augur's StateFun 3.3.0 job on a local Flink 1.16.2 mini-cluster in this JVM: the remote
 * module of {@link ModuleDefinition} (Kafka in, remote functions over HTTP, exactly-once Kafka
 * out), filesystem checkpoints retained on cancellation under {@code --checkpoint-dir}, restored
 * from the newest one found there on start. Prints {@code STATEFUN RUNNING <jobId>} on stdout once
 * the job runs; SIGTERM cancels the job and exits.
 */
public final class StatefunRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(StatefunRuntime.class);
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);

    private final RuntimeOptions options;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    public StatefunRuntime(RuntimeOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Optional<RuntimeOptions> options;
        try {
            options = RuntimeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(RuntimeOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.isEmpty()) {
            System.out.println(RuntimeOptions.USAGE);
            return;
        }
        StatefunRuntime runtime = new StatefunRuntime(options.get());
        int code = runtime.run();
        // During a SIGTERM shutdown System.exit would block forever: let the hooks finish.
        if (!runtime.stopping.get()) {
            System.exit(code);
        }
    }

    /** The Flink and StateFun settings of the job (without the restore path). */
    static Harness configure(Harness harness, RuntimeOptions options, Path moduleYaml) {
        return harness.withFlinkJobName("augur-statefun")
                .withParallelism(options.parallelism())
                .withConfiguration("statefun.remote.module-name", moduleYaml.toUri().toString())
                .withConfiguration(
                        "execution.checkpointing.interval", options.checkpointIntervalMs() + " ms")
                .withConfiguration("execution.checkpointing.mode", "EXACTLY_ONCE")
                .withConfiguration(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION")
                .withConfiguration("state.backend", "hashmap")
                .withConfiguration(
                        "state.checkpoints.dir", options.checkpointDir().toUri().toString())
                .withConfiguration("state.checkpoints.num-retained", "2")
                // Remote functions or Kafka may be briefly away: keep restarting from the last
                // checkpoint rather than failing the job for good.
                .withConfiguration("restart-strategy", "fixed-delay")
                .withConfiguration("restart-strategy.fixed-delay.attempts", "1000")
                .withConfiguration("restart-strategy.fixed-delay.delay", "2 s")
                .withConfiguration("execution.job-listeners", JobClientCapture.class.getName());
    }

    /** Runs the job until it ends or SIGTERM cancels it; returns the process exit code. */
    public int run() {
        Path moduleYaml;
        try {
            moduleYaml = ModuleDefinition.write(options, options.checkpointDir());
        } catch (IOException e) {
            LOG.error("cannot write module.yaml into {}", options.checkpointDir(), e);
            return 1;
        }
        Harness harness = configure(new Harness(), options, moduleYaml);
        Optional<Path> restore = RetainedCheckpoints.newest(options.checkpointDir());
        if (restore.isPresent()) {
            LOG.info("restoring from retained checkpoint {}", restore.get());
            harness.withSavepointLocation(restore.get().toUri().toString());
        } else {
            LOG.info("no retained checkpoint in {}: starting fresh", options.checkpointDir());
        }
        LOG.info(
                "module {} -> functions {}, kafka {}",
                moduleYaml,
                options.functionsUrl(),
                options.bootstrap());

        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "statefun-shutdown"));
        Thread watcher = new Thread(this::announceWhenRunning, "statefun-readiness");
        watcher.setDaemon(true);
        watcher.start();
        try {
            harness.start(); // blocks until the job ends
            LOG.info("job finished");
            return 0;
        } catch (Exception e) {
            if (stopping.get()) {
                LOG.info("job cancelled on shutdown");
                return 0;
            }
            LOG.error("job failed", e);
            return 1;
        } finally {
            finished.countDown();
        }
    }

    private void announceWhenRunning() {
        try {
            JobClient client = JobClientCapture.submitted().get();
            while (true) {
                JobStatus status = client.getJobStatus().get();
                if (status == JobStatus.RUNNING) {
                    System.out.println("STATEFUN RUNNING " + client.getJobID());
                    System.out.flush();
                    return;
                }
                if (status.isTerminalState()) {
                    LOG.error("job reached {} before running", status);
                    return;
                }
                // Polling is the only way to observe the status through a JobClient.
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("cannot observe the job's status", e.getCause());
        }
    }

    /** SIGTERM: cancel the job (its checkpoints are retained) and wait for run() to return. */
    private void stop() {
        if (finished.getCount() == 0) {
            return; // the job already ended on its own
        }
        stopping.set(true);
        try {
            JobClient client =
                    JobClientCapture.submitted().get(CANCEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            LOG.info("cancelling job {}", client.getJobID());
            client.cancel().get(CANCEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished.await(CANCEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("job did not end within {} after cancel", CANCEL_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not cancel the job cleanly", e);
        }
    }
}
