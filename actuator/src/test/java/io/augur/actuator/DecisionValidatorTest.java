package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import org.junit.jupiter.api.Test;

class DecisionValidatorTest {
    final DecisionValidator validator = new DecisionValidator(new NodeBounds(2, 8L << 30));

    @Test
    void acceptsADecisionWithinTheNode() {
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, 0.25))).isEmpty();
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, 2.0))).isEmpty();
    }

    @Test
    void rejectsIdsThatAreNotSafeGroupNames() {
        assertThat(validator.rejection(Fixtures.decision("../../etc", 1, 0.25)))
                .get()
                .asString()
                .contains("must match");
    }

    @Test
    void rejectsCpuOutsideTheNode() {
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, 0)))
                .get()
                .asString()
                .contains("cpuCores 0.0");
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, -1))).isPresent();
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, 2.01))).isPresent();
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, Double.NaN))).isPresent();
        assertThat(validator.rejection(Fixtures.decision("task-1", 1, 1000))).isPresent();
    }

    @Test
    void rejectsMemoryBelow16MiBOrAboveTheNode() {
        EnforcementDecision tiny = Fixtures.decision("task-1", 1, 0.5);
        tiny.setMemoryBytes((16L << 20) - 1);
        EnforcementDecision huge = Fixtures.decision("task-1", 1, 0.5);
        huge.setMemoryBytes((8L << 30) + 1);
        EnforcementDecision floor = Fixtures.decision("task-1", 1, 0.5);
        floor.setMemoryBytes(16L << 20);

        assertThat(validator.rejection(tiny)).get().asString().contains("memoryBytes");
        assertThat(validator.rejection(huge)).isPresent();
        assertThat(validator.rejection(floor)).isEmpty();
    }

    @Test
    void rejectsANonPositivePidsMax() {
        EnforcementDecision d = Fixtures.decision("task-1", 1, 0.5);
        d.setPidsMax(0L);
        assertThat(validator.rejection(d)).get().asString().contains("pidsMax");
    }
}
