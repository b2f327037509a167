package io.augur.jobs.pipeline;

import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import io.augur.schema.ResourceSample;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incrementally averages a task's samples over a window, per resource. Disk and network counters
 * are deltas over each sample's interval, so they are turned into bytes per second first: samples
 * of different intervals then average correctly.
 */
public final class WindowMeansFn
        implements AggregateFunction<ResourceSample, SampleAccumulator, WindowSummary> {
    private static final long serialVersionUID = 1L;

    @Override
    public SampleAccumulator createAccumulator() {
        SampleAccumulator acc = new SampleAccumulator();
        acc.sums = new double[ResourceVector.SIZE];
        acc.counts = new long[ResourceVector.SIZE];
        return acc;
    }

    @Override
    public SampleAccumulator add(ResourceSample s, SampleAccumulator acc) {
        double[] v = observation(s);
        for (int i = 0; i < v.length; i++) {
            if (ResourceVector.known(v[i])) {
                acc.sums[i] += v[i];
                acc.counts[i]++;
            }
        }
        long ts = s.getTimestamp().toEpochMilli();
        if (ts >= acc.newestMs) {
            acc.newestMs = ts;
            acc.taskId = s.getTaskId();
            acc.userId = s.getUserId();
            acc.nodeId = s.getNodeId();
            acc.role = s.getRole();
        }
        Double throttled = s.getCpuThrottledSeconds();
        if (throttled != null && throttled >= 0 && throttled < Double.POSITIVE_INFINITY) {
            acc.throttledSeconds += throttled;
            acc.throttleMeasuredMs += s.getIntervalMs();
            Double quota = s.getLimits() == null ? null : s.getLimits().getCpuCores();
            acc.throttleQuotaCores =
                    quota == null || !(quota > 0)
                            ? Double.NaN
                            : minKeepingNaN(acc.throttleQuotaCores, quota);
        }
        acc.samples++;
        return acc;
    }

    @Override
    public WindowSummary getResult(SampleAccumulator acc) {
        WindowSummary w = new WindowSummary();
        w.taskId = acc.taskId;
        w.userId = acc.userId;
        w.nodeId = acc.nodeId;
        w.role = acc.role;
        w.means = ResourceVector.unknown();
        for (int i = 0; i < w.means.length; i++) {
            if (acc.counts[i] > 0) {
                w.means[i] = acc.sums[i] / acc.counts[i];
            }
        }
        w.newestSampleMs = acc.newestMs;
        w.samples = acc.samples;
        if (acc.throttleMeasuredMs > 0) {
            w.cpuThrottledPerSecond = acc.throttledSeconds * 1000.0 / acc.throttleMeasuredMs;
            if (Double.isFinite(acc.throttleQuotaCores)) {
                w.cpuQuotaCores = acc.throttleQuotaCores;
            }
        }
        return w;
    }

    @Override
    public SampleAccumulator merge(SampleAccumulator a, SampleAccumulator b) {
        SampleAccumulator m = b.newestMs > a.newestMs ? b : a;
        SampleAccumulator other = m == a ? b : a;
        for (int i = 0; i < m.sums.length; i++) {
            m.sums[i] += other.sums[i];
            m.counts[i] += other.counts[i];
        }
        m.samples += other.samples;
        m.throttledSeconds += other.throttledSeconds;
        m.throttleMeasuredMs += other.throttleMeasuredMs;
        m.throttleQuotaCores = minKeepingNaN(m.throttleQuotaCores, other.throttleQuotaCores);
        return m;
    }

    /** The smaller of two quotas; NaN (a sample with no known quota) wins. */
    private static double minKeepingNaN(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
    }

    /** One sample as a vector: CPU cores, memory bytes, I/O in bytes per second, pids. */
    static double[] observation(ResourceSample s) {
        double[] v = ResourceVector.unknown();
        double perSecond = 1000.0 / s.getIntervalMs();
        set(v, Resource.CPU, s.getCpuCores(), 1);
        set(v, Resource.MEMORY, s.getMemoryBytes(), 1);
        set(v, Resource.DISK_READ, s.getDiskReadBytes(), perSecond);
        set(v, Resource.DISK_WRITE, s.getDiskWriteBytes(), perSecond);
        set(v, Resource.NET_RX, s.getNetRxBytes(), perSecond);
        set(v, Resource.NET_TX, s.getNetTxBytes(), perSecond);
        set(v, Resource.PIDS, s.getPids(), 1);
        return v;
    }

    private static void set(double[] v, Resource r, Number value, double scale) {
        if (value != null) {
            v[r.ordinal()] = value.doubleValue() * scale;
        }
    }
}
