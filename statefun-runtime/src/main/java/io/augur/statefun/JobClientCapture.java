package io.augur.statefun;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;

/**
 * Hands the {@link JobClient} of the job the StateFun {@code Harness} submits to {@link
 * StatefunRuntime}, which needs it to report readiness and to cancel the job on SIGTERM (the
 * Harness has no stop method and does not expose its environment).
 *
 * <p>Flink instantiates job listeners named in {@code execution.job-listeners} by class name with a
 * no-argument constructor, so the hand-off has to be static. One runtime JVM runs one job.
 */
public final class JobClientCapture implements JobListener {

    private static final CompletableFuture<JobClient> SUBMITTED = new CompletableFuture<>();

    /** Completes when the job has been submitted (or failed to be). */
    public static CompletableFuture<JobClient> submitted() {
        return SUBMITTED;
    }

    @Override
    public void onJobSubmitted(JobClient jobClient, Throwable throwable) {
        if (throwable != null) {
            SUBMITTED.completeExceptionally(throwable);
        } else {
            SUBMITTED.complete(jobClient);
        }
    }

    @Override
    public void onJobExecuted(JobExecutionResult result, Throwable throwable) {
        // Nothing to do: StatefunRuntime observes the end of the job through Harness.start().
    }
}
