package io.augur.deploy.demo;

import io.augur.schema.ResourceSample;
import java.time.Instant;

/**
 * One task's network as the collector saw it, summed over its samples on {@code
 * augur.telemetry.resources}: how many samples there were, how many carried network counters (a
 * task in a network namespace of its own; one sharing the node's gets null, never the node's
 * totals) and the bytes received and sent. A sample delivered twice (the collector is
 * at-least-once) is recognised by its timestamp, as a task's samples arrive in order. Not
 * thread-safe.
 */
public final class NetworkTally {
    private long samples;
    private long withProcesses;
    private long withNetwork;
    private long rxBytes;
    private long txBytes;
    private Instant last;

    /** Adds one sample of this task. */
    public void add(ResourceSample s) {
        if (last != null && !s.getTimestamp().isAfter(last)) {
            return;
        }
        last = s.getTimestamp();
        samples++;
        if (s.getPids() != null && s.getPids() > 0) {
            withProcesses++;
        }
        if (s.getNetRxBytes() != null && s.getNetTxBytes() != null) {
            withNetwork++;
            rxBytes += s.getNetRxBytes();
            txBytes += s.getNetTxBytes();
        }
    }

    /** Samples seen, duplicates excluded. */
    public long samples() {
        return samples;
    }

    /**
     * Samples taken while the task had processes. Only those can carry its network: the collector
     * finds a task's namespace through its processes, and once the last one has ended (an OOM kill,
     * say) its group can still be sampled until its launcher removes it.
     */
    public long withProcesses() {
        return withProcesses;
    }

    /** Samples that carried the task's own network counters. */
    public long withNetwork() {
        return withNetwork;
    }

    public long rxBytes() {
        return rxBytes;
    }

    public long txBytes() {
        return txBytes;
    }
}
