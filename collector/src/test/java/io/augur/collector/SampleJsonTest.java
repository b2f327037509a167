package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleJsonTest {
    @Test
    void everyFieldOnOneLineWithIsoTimestamps() throws Exception {
        ResourceSample s = Fixtures.sample("task-1", T0.plusMillis(1500), 0.25, 1 << 20);
        String line = SampleJson.line(s);

        assertThat(line).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactlyElementsOf(
                        ResourceSample.getClassSchema().getFields().stream()
                                .map(f -> f.name())
                                .toList());
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:01.500Z");
        assertThat(json.get("cpuCores").asDouble()).isEqualTo(0.25);
        assertThat(json.get("netRxBytes").isNull()).isTrue();
        assertThat(json.get("taskId").asText()).isEqualTo("task-1");
        assertThat(json.get("limits").get("memoryBytes").asLong()).isEqualTo(1L << 30);
    }
}
