package io.augur.functions;

import io.augur.schema.Fixtures;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.RiskAssessment;
import java.time.Instant;
import java.util.List;

/** Assessments with a CPU and memory forecast, built from the shared {@link Fixtures}. */
final class TestAssessments {
    private TestAssessments() {}

    static final long MIB = 1L << 20;

    /** An assessment on {@code nodeId} whose forecast peaks at the given upper bounds. */
    static RiskAssessment assessment(
            String taskId,
            String nodeId,
            double risk,
            Instant windowEnd,
            double cpuUpper,
            long memoryUpper) {
        return RiskAssessment.newBuilder(Fixtures.assessment(taskId, risk, windowEnd))
                .setNodeId(nodeId)
                .setForecast(
                        List.of(
                                forecast(Resource.CPU, cpuUpper * 0.8, cpuUpper),
                                forecast(Resource.MEMORY, memoryUpper * 0.8, memoryUpper)))
                .build();
    }

    static ResourceForecast forecast(Resource resource, double mean, double upper) {
        return ResourceForecast.newBuilder()
                .setResource(resource)
                .setStepMs(1000)
                .setMean(List.of(mean * 0.5, mean))
                .setLower(List.of(mean * 0.4, mean * 0.8))
                .setUpper(List.of(upper * 0.5, upper))
                .build();
    }
}
