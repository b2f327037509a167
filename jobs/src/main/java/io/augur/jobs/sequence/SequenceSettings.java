package io.augur.jobs.sequence;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How the job's sequence branch runs (from {@code profiler.sequences.*}, see jobs/README.md,
 * section Invocation sequences).
 *
 * @param modelDir the registry directory {@code <role>/<version>/} (a String so settings serialize)
 * @param historyLength calls kept per task (at least every model's window h)
 * @param windowInvocations a scoring window closes after this many invocations
 * @param windowSpan ... or when its event time spans this much
 * @param windowIdle ... or this long (processing time) after it opened, so a quiet task is judged
 * @param thresholds the adaptive cut-offs
 * @param anomalousCall a call is anomalous (for attribution) when its 1/p is at least this, or it
 *     is outside the vocabulary
 * @param attributionShare one pid made at least this share of the window's anomalous calls
 * @param attributionMinCalls ... and at least this many
 * @param userAlpha EWMA weight of a window in the user's rolling sequence anomaly
 * @param maxBatch most calls per forward pass
 * @param maxDelay longest wait for a batch to fill
 * @param inferenceThreads inference threads per subtask
 * @param intraOpThreads PyTorch intra-op threads (process-wide)
 * @param topGOverride g of the DeepLog view; 0 = each model's own
 * @param pollInterval how often the registry is checked for new versions
 * @param timeout how long a call may wait for its score before the job fails and restarts
 * @param capacity calls in flight per subtask (the async operator's capacity)
 * @param stateTtl how long an idle task's (and user's) state is kept
 */
public record SequenceSettings(
        String modelDir,
        int historyLength,
        int windowInvocations,
        Duration windowSpan,
        Duration windowIdle,
        AdaptiveThresholds.Settings thresholds,
        double anomalousCall,
        double attributionShare,
        int attributionMinCalls,
        double userAlpha,
        int maxBatch,
        Duration maxDelay,
        int inferenceThreads,
        int intraOpThreads,
        int topGOverride,
        Duration pollInterval,
        Duration timeout,
        int capacity,
        Duration stateTtl)
        implements Serializable {
    public SequenceSettings {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(thresholds, "thresholds");
        if (historyLength < 1 || windowInvocations < 1 || maxBatch < 1 || capacity < 1) {
            throw new IllegalArgumentException(
                    "history length, window invocations, batch size and capacity must be >= 1");
        }
        if (inferenceThreads < 1 || intraOpThreads < 1 || topGOverride < 0) {
            throw new IllegalArgumentException("threads >= 1 and topG >= 0");
        }
        if (!(attributionShare > 0.5 && attributionShare <= 1) || attributionMinCalls < 1) {
            throw new IllegalArgumentException(
                    "attribution share must be in (0.5, 1] and min calls >= 1");
        }
        if (!(userAlpha > 0 && userAlpha <= 1) || !(anomalousCall > 1)) {
            throw new IllegalArgumentException("need 0 < user alpha <= 1 and anomalous call > 1");
        }
        for (Duration d :
                new Duration[] {windowSpan, windowIdle, pollInterval, timeout, stateTtl}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be > 0");
            }
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("batch delay must be >= 0");
        }
    }

    /** The defaults, with the model directory {@code modelDir}. */
    public static SequenceSettings defaults(String modelDir) {
        return new SequenceSettings(
                modelDir,
                32,
                50,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                defaultThresholds(),
                100,
                0.6,
                3,
                0.2,
                256,
                Duration.ofMillis(5),
                1,
                1,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                1000,
                Duration.ofHours(24));
    }

    public static AdaptiveThresholds.Settings defaultThresholds() {
        return new AdaptiveThresholds.Settings(0.7, 0.1, 0.25, 2, 3, 5, 1.5, 2.5, 4.0, 1.1, 1.25);
    }
}
