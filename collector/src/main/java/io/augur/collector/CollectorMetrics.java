package io.augur.collector;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/** The collector's Prometheus metrics, registered in the registry it is given. */
public final class CollectorMetrics {
    private final Counter samples;
    private final Counter sendFailures;
    private final Gauge lag;
    private final Gauge tasks;

    public CollectorMetrics(CollectorRegistry registry) {
        samples =
                Counter.build()
                        .name("augur_collector_samples_emitted_total")
                        .help("ResourceSamples sent to augur.telemetry.resources.")
                        .register(registry);
        sendFailures =
                Counter.build()
                        .name("augur_collector_send_failures_total")
                        .help("ResourceSamples Kafka did not accept.")
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
    }

    public void emitted() {
        samples.inc();
    }

    public void sendFailed() {
        sendFailures.inc();
    }

    public void round(double lagSeconds, int taskCount) {
        lag.set(lagSeconds);
        tasks.set(taskCount);
    }
}
