package io.augur.deploy.tools;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.AnalystVerdict;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.TrustLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    @Test
    void aQuarantineReleasedByAVerdictShowsTheVerdictAsItsCauseAndWhy() {
        String task = Fixtures.TASK;
        EnforcementDecision quarantine =
                EnforcementDecision.newBuilder(Fixtures.decision(task, 1, 2.0))
                        .setAction(EnforcementAction.QUARANTINE)
                        .setTrustLevel(TrustLevel.LOW)
                        .setNetworkEnabled(false)
                        .build();
        AnalystVerdict verdict =
                AnalystVerdict.newBuilder(Fixtures.verdict())
                        .setTimestamp(T0.plusSeconds(9))
                        .build();
        String why =
                "analyst verdict v-1 by alice (FALSE_POSITIVE of RISK task-1@0): \"benign batch"
                        + " job\": released from the quarantine of decision #1, thawed at trust"
                        + " MEDIUM";
        EnforcementDecision release =
                EnforcementDecision.newBuilder(Fixtures.decision(task, 2, 1.0))
                        .setAction(EnforcementAction.THROTTLE)
                        .setTrustLevel(TrustLevel.MEDIUM)
                        .setCauseTimestamp(T0.plusSeconds(9))
                        .setReasons(List.of(why, "policy default-1"))
                        .build();
        TaskHistory history =
                new TaskHistory(
                        List.of(Fixtures.taskStarted(task, Fixtures.USER, "batch")),
                        List.of(),
                        List.of(quarantine, release),
                        List.of(),
                        List.of(verdict),
                        0);

        List<String> lines = Explanation.lines(task, history, 5);

        int at =
                lines.indexOf(
                        lines.stream()
                                .filter(l -> l.startsWith("  #2 THROTTLE"))
                                .findFirst()
                                .orElseThrow());
        assertThat(lines.subList(at, lines.size()))
                .contains("      why: " + why)
                .contains(
                        "      from: analyst verdict v-1 by alice at "
                                + T0.plusSeconds(9)
                                + ": FALSE_POSITIVE of RISK task-1@"
                                + T0.toEpochMilli()
                                + " (\"benign batch job\")");
        assertThat(lines).contains("  Analysts' verdicts, oldest first:");
        // The QUARANTINE's cause is still an assessment (no longer in augur.risk here).
        assertThat(lines).anyMatch(l -> l.contains("no longer in augur.risk"));
    }
}
