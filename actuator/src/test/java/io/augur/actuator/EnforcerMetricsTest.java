package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnforcerMetricsTest {

    @Test
    void tasksByTrustLevelAndStateReplaceTheLastCounts() {
        CollectorRegistry registry = new CollectorRegistry();
        EnforcerMetrics metrics = new EnforcerMetrics(registry);
        metrics.tasks(Map.of(List.of("LOW", "QUARANTINED"), 2, List.of("HIGH", "ACTIVE"), 5));
        metrics.tasks(Map.of(List.of("HIGH", "ACTIVE"), 4));

        String[] labels = {"trust_level", "state"};
        assertThat(
                        registry.getSampleValue(
                                "augur_enforcer_tasks", labels, new String[] {"HIGH", "ACTIVE"}))
                .isEqualTo(4.0);
        assertThat(
                        registry.getSampleValue(
                                "augur_enforcer_tasks",
                                labels,
                                new String[] {"LOW", "QUARANTINED"}))
                .isNull();
    }
}
