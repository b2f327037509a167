package io.augur.actuator;

import io.augur.schema.AckOutcome;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import java.util.List;
import java.util.Map;

/** The enforcer's Prometheus metrics, registered in the registry it is given. */
public final class EnforcerMetrics {
    private final Counter decisions;
    private final Counter deadLetters;
    private final Histogram applyLatency;
    private final Gauge tasks;
    private final Gauge lag;

    public EnforcerMetrics(CollectorRegistry registry) {
        decisions =
                Counter.build()
                        .name("augur_enforcer_decisions_total")
                        .help("Decisions handled, by ack outcome.")
                        .labelNames("outcome")
                        .register(registry);
        deadLetters =
                Counter.build()
                        .name("augur_enforcer_dead_letters_total")
                        .help("Decisions sent to augur.dlq (undecodable or rejected).")
                        .register(registry);
        applyLatency =
                Histogram.build()
                        .name("augur_enforcer_apply_latency_seconds")
                        .help(
                                "Time to handle one decision, from reading it to its ack being ready.")
                        .buckets(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                        .register(registry);
        tasks =
                Gauge.build()
                        .name("augur_enforcer_tasks")
                        .help(
                                "Tasks this enforcer applied decisions to (journal included), by"
                                        + " the trust level and state their last decision left"
                                        + " them in; terminated tasks are not counted.")
                        .labelNames("trust_level", "state")
                        .register(registry);
        lag =
                Gauge.build()
                        .name("augur_enforcer_consumer_lag_records")
                        .help(
                                "Decisions on this enforcer's augur.decisions partitions not read"
                                        + " yet (its consumer's view after each poll).")
                        .register(registry);
        for (AckOutcome outcome : AckOutcome.values()) {
            decisions.labels(outcome.name());
        }
    }

    public void handled(AckOutcome outcome, double seconds) {
        decisions.labels(outcome.name()).inc();
        applyLatency.observe(seconds);
    }

    public void consumerLag(long records) {
        lag.set(records);
    }

    /** Replaces the task counts: (trust level, state) → tasks. */
    public void tasks(Map<List<String>, Integer> counts) {
        tasks.clear();
        counts.forEach((labels, n) -> tasks.labels(labels.toArray(String[]::new)).set(n));
    }

    public void deadLettered() {
        deadLetters.inc();
    }
}
