package io.augur.functions.http;

import io.augur.functions.policy.Policy;
import io.augur.functions.policy.PolicyFile;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import java.util.Locale;

/** The policy in force and its reloads, for Prometheus. */
final class PolicyMetrics {
    private final Gauge info;
    private final Counter reloads;
    private Policy shown;

    PolicyMetrics(CollectorRegistry registry) {
        info =
                Gauge.build()
                        .name("augur_functions_policy_info")
                        .help("The decision policy in force (value 1), by version and mode.")
                        .labelNames("version", "mode")
                        .register(registry);
        reloads =
                Counter.build()
                        .name("augur_functions_policy_reloads_total")
                        .help(
                                "Changes of the policy file, by result: loaded, or rejected"
                                        + " (invalid: the last valid policy stays in force).")
                        .labelNames("result")
                        .register(registry);
    }

    synchronized void inForce(Policy policy) {
        if (shown != null) {
            info.remove(shown.version(), mode(shown));
        }
        info.labels(policy.version(), mode(policy)).set(1);
        shown = policy;
    }

    synchronized void reloaded(PolicyFile.Reload result, Policy now) {
        switch (result) {
            case LOADED -> {
                reloads.labels("loaded").inc();
                inForce(now);
            }
            case REJECTED -> reloads.labels("rejected").inc();
            case UNCHANGED -> {}
        }
    }

    private static String mode(Policy p) {
        return p.mode().name().toLowerCase(Locale.ROOT);
    }
}
