package io.augur.collector;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/**
 * The collector's metrics of invocation capture and delivery (augur.telemetry.invocations),
 * registered in the registry it is given.
 */
public final class InvocationMetrics implements DeliveryMetrics {
    private final Counter captured;
    private final Counter emitted;
    private final Counter sendFailures;
    private final Counter spooled;
    private final Counter spoolDropped;
    private final Counter dropped;
    private final Gauge spoolRecords;
    private final Gauge spoolBytes;
    private final Gauge tracedTasks;
    private final Gauge agentConnections;
    private final long[] droppedSeen = new long[Drop.values().length];
    private final long[] capturedSeen = new long[2];

    /** Where invocations were lost before reaching the spool. */
    public enum Drop {
        /** The collector's buffer was full. */
        BUFFER("buffer"),
        /** A JVM agent's own buffer was full (it reported the count). */
        AGENT("agent"),
        /** The system-call tracer could not keep up. */
        TRACER("tracer");

        final String label;

        Drop(String label) {
            this.label = label;
        }
    }

    public InvocationMetrics(CollectorRegistry registry) {
        captured =
                Counter.build()
                        .name("augur_collector_invocations_captured_total")
                        .help("Invocations handed to the collector, by kind (METHOD, SYSCALL).")
                        .labelNames("kind")
                        .register(registry);
        emitted =
                Counter.build()
                        .name("augur_collector_invocations_emitted_total")
                        .help(
                                "InvocationEvents the broker acknowledged on"
                                        + " augur.telemetry.invocations (direct or replayed).")
                        .register(registry);
        sendFailures =
                Counter.build()
                        .name("augur_collector_invocation_send_failures_total")
                        .help("Invocation sends Kafka did not acknowledge (spooled, not lost).")
                        .register(registry);
        spooled =
                Counter.build()
                        .name("augur_collector_invocations_spooled_total")
                        .help("InvocationEvents written to the on-disk spool.")
                        .register(registry);
        spoolDropped =
                Counter.build()
                        .name("augur_collector_invocation_spool_dropped_total")
                        .help(
                                "Spooled invocations dropped, oldest first, because the spool was full.")
                        .register(registry);
        dropped =
                Counter.build()
                        .name("augur_collector_invocations_dropped_total")
                        .help(
                                "Invocations lost before the spool: the collector's buffer, a JVM"
                                        + " agent's buffer or the tracer could not keep up.")
                        .labelNames("where")
                        .register(registry);
        spoolRecords =
                Gauge.build()
                        .name("augur_collector_invocation_spool_depth_records")
                        .help("Invocations waiting in the spool.")
                        .register(registry);
        spoolBytes =
                Gauge.build()
                        .name("augur_collector_invocation_spool_depth_bytes")
                        .help("Bytes the invocations waiting in the spool take.")
                        .register(registry);
        tracedTasks =
                Gauge.build()
                        .name("augur_collector_traced_tasks")
                        .help("Tasks whose system calls are being traced.")
                        .register(registry);
        agentConnections =
                Gauge.build()
                        .name("augur_collector_agent_connections")
                        .help("JVM agents connected now.")
                        .register(registry);
    }

    /** Brings the captured counters up to the capture mechanisms' totals since start. */
    public synchronized void captured(long methods, long syscalls) {
        inc(captured.labels("METHOD"), capturedSeen, 0, methods);
        inc(captured.labels("SYSCALL"), capturedSeen, 1, syscalls);
    }

    /** Brings a drop counter up to its source's total since start. */
    public synchronized void droppedTotal(Drop where, long total) {
        inc(dropped.labels(where.label), droppedSeen, where.ordinal(), total);
    }

    public void tracedTasks(int n) {
        tracedTasks.set(n);
    }

    public void agentConnections(int n) {
        agentConnections.set(n);
    }

    @Override
    public void emitted(long n) {
        emitted.inc(n);
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
        spoolDropped.inc(n);
    }

    @Override
    public void spoolDepth(long records, long bytes) {
        spoolRecords.set(records);
        spoolBytes.set(bytes);
    }

    private static void inc(Counter.Child counter, long[] seen, int i, long total) {
        if (total > seen[i]) {
            counter.inc(total - seen[i]);
            seen[i] = total;
        }
    }
}
