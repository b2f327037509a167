package io.augur.collector;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/** The collector's Prometheus metrics, registered in the registry it is given. */
public final class CollectorMetrics implements DeliveryMetrics {
    private final Counter samples;
    private final Counter sendFailures;
    private final Counter spooled;
    private final Counter dropped;
    private final Gauge spoolRecords;
    private final Gauge spoolBytes;
    private final Gauge lag;
    private final Gauge tasks;
    private final Counter readErrors;
    private final Counter reaped;
    private final Counter reapFailures;
    private long readErrorsSeen;

    public CollectorMetrics(CollectorRegistry registry) {
        samples =
                Counter.build()
                        .name("augur_collector_samples_emitted_total")
                        .help(
                                "ResourceSamples the broker acknowledged on"
                                        + " augur.telemetry.resources (direct or replayed).")
                        .register(registry);
        sendFailures =
                Counter.build()
                        .name("augur_collector_send_failures_total")
                        .help("Sends Kafka did not acknowledge (the sample is spooled, not lost).")
                        .register(registry);
        spooled =
                Counter.build()
                        .name("augur_collector_samples_spooled_total")
                        .help("ResourceSamples written to the on-disk spool.")
                        .register(registry);
        dropped =
                Counter.build()
                        .name("augur_collector_spool_dropped_total")
                        .help("Spooled samples dropped, oldest first, because the spool was full.")
                        .register(registry);
        spoolRecords =
                Gauge.build()
                        .name("augur_collector_spool_depth_records")
                        .help("Samples waiting in the spool.")
                        .register(registry);
        spoolBytes =
                Gauge.build()
                        .name("augur_collector_spool_depth_bytes")
                        .help("Bytes the samples waiting in the spool take.")
                        .register(registry);
        lag =
                Gauge.build()
                        .name("augur_collector_sampling_lag_seconds")
                        .help("How late the last sampling round started against its schedule.")
                        .register(registry);
        tasks =
                Gauge.build()
                        .name("augur_collector_tasks")
                        .help("Task groups sampled in the last round.")
                        .register(registry);
        readErrors =
                Counter.build()
                        .name("augur_collector_read_errors_total")
                        .help(
                                "Files of a task (cgroup or /proc) that existed but could not be"
                                        + " read; the field is reported as unknown.")
                        .register(registry);
        reaped =
                Counter.build()
                        .name("augur_collector_tasks_reaped_total")
                        .help(
                                "ENDED events the collector published on augur.tasks for tasks of"
                                        + " this node whose launcher died without one, by what"
                                        + " their cgroup showed for the grace (absent or empty).")
                        .labelNames("group")
                        .register(registry);
        reapFailures =
                Counter.build()
                        .name("augur_collector_reap_failures_total")
                        .help(
                                "Reaped ENDED events Kafka did not acknowledge (tried again at the"
                                        + " next scan).")
                        .register(registry);
    }

    /** One task reaped: its group was {@code state} (absent or empty) for the grace. */
    public void reaped(TaskReaper.GroupState state) {
        reaped.labels(state.name().toLowerCase(java.util.Locale.ROOT)).inc();
    }

    public void reapFailed() {
        reapFailures.inc();
    }

    /** Brings the read-error counter up to {@code total}, the reader's count since start. */
    public synchronized void readErrors(long total) {
        if (total > readErrorsSeen) {
            readErrors.inc(total - readErrorsSeen);
            readErrorsSeen = total;
        }
    }

    @Override
    public void emitted(long n) {
        samples.inc(n);
    }

    @Override
    public void sendFailed(long n) {
        sendFailures.inc(n);
    }

    @Override
    public void spooled(long n) {
        spooled.inc(n);
    }

    @Override
    public void dropped(long n) {
        dropped.inc(n);
    }

    @Override
    public void spoolDepth(long records, long bytes) {
        spoolRecords.set(records);
        spoolBytes.set(bytes);
    }

    public void round(double lagSeconds, int taskCount) {
        lag.set(lagSeconds);
        tasks.set(taskCount);
    }
}
