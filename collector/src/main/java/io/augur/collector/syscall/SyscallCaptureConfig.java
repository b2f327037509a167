package io.augur.collector.syscall;

import java.time.Duration;
import java.util.Objects;

/**
 * How system-call capture hands calls on and lets go of tracers.
 *
 * @param queueCapacity calls waiting for the sink before new ones are dropped
 * @param maxBatch most calls per {@link io.augur.collector.invocation.InvocationSink#accept}
 * @param linger longest a call waits for its batch to fill
 * @param detachTimeout how long a tracer may take to detach before it is killed
 */
public record SyscallCaptureConfig(
        int queueCapacity, int maxBatch, Duration linger, Duration detachTimeout) {

    public SyscallCaptureConfig {
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(detachTimeout, "detachTimeout");
        if (queueCapacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("queueCapacity and maxBatch must be positive");
        }
        if (linger.isNegative() || linger.isZero() || detachTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "linger must be positive, detachTimeout not negative");
        }
    }

    /** 64 Ki calls queued (a few seconds of a busy task), batches of 4 Ki, 100 ms, 5 s. */
    public static SyscallCaptureConfig defaults() {
        return new SyscallCaptureConfig(
                65_536, 4_096, Duration.ofMillis(100), Duration.ofSeconds(5));
    }
}
