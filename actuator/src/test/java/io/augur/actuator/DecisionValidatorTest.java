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

    @Test
    void rejectsCpusetsOutsideTheNodeAndMalformedOnes() {
        for (String bad : new String[] {"2", "0-2", "1-0", "", "0;rm", "../0", "0-1,9"}) {
            EnforcementDecision d = Fixtures.decision("task-1", 1, 0.5);
            d.setCpusetCpus(bad);
            assertThat(validator.rejection(d)).as(bad).get().asString().contains("cpusetCpus");
        }
        EnforcementDecision ok = Fixtures.decision("task-1", 1, 0.5);
        ok.setCpusetCpus("0-1");
        assertThat(validator.rejection(ok)).isEmpty();
    }

    @Test
    void rejectsAbsurdDiskSwapAndPidsLimits() {
        EnforcementDecision bps = Fixtures.decision("task-1", 1, 0.5);
        bps.setDiskWriteBps(1L << 50);
        EnforcementDecision slow = Fixtures.decision("task-1", 1, 0.5);
        slow.setDiskReadBps(10L);
        EnforcementDecision iops = Fixtures.decision("task-1", 1, 0.5);
        iops.setDiskReadIops(0L);
        EnforcementDecision swap = Fixtures.decision("task-1", 1, 0.5);
        swap.setMemorySwapBytes(-1L);
        EnforcementDecision pids = Fixtures.decision("task-1", 1, 0.5);
        pids.setPidsMax(1L << 40);

        assertThat(validator.rejection(bps)).get().asString().contains("diskWriteBps");
        assertThat(validator.rejection(slow)).get().asString().contains("diskReadBps");
        assertThat(validator.rejection(iops)).get().asString().contains("diskReadIops");
        assertThat(validator.rejection(swap)).get().asString().contains("memorySwapBytes");
        assertThat(validator.rejection(pids)).get().asString().contains("pidsMax");
    }

    @Test
    void aSplitMustNameAProcess() {
        EnforcementDecision d = Fixtures.decision("task-1", 1, 0.5);
        d.setAction(io.augur.schema.EnforcementAction.SPLIT);
        assertThat(validator.rejection(d)).get().asString().contains("splitPid");
        d.setSplitPid(1L);
        assertThat(validator.rejection(d)).isPresent();
        d.setSplitPid(1234L);
        assertThat(validator.rejection(d)).isEmpty();
    }
}
