package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.AnalystVerdict;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainingRowsTest {

    static AnalystVerdict verdict(String ref, VerdictLabel label, VerdictSubject subject) {
        AnalystVerdict v = Fixtures.verdict();
        v.setAssessmentRef(ref);
        v.setLabel(label);
        v.setSubject(subject);
        return v;
    }

    static InvocationEvent call(long seq, String name, InvocationKind kind) {
        InvocationEvent e = Fixtures.invocation(seq, name);
        e.setKind(kind);
        return e;
    }

    @Test
    void callsUpToTheWindowEndInSequenceOrderOneRowPerKind() {
        long end = Fixtures.T0.toEpochMilli() + 3; // Fixtures.invocation stamps T0 + sequence ms
        AnalystVerdict v =
                verdict(
                        Fixtures.TASK + "@" + end,
                        VerdictLabel.TRUE_POSITIVE,
                        VerdictSubject.SEQUENCE);
        List<String> rows =
                RetrainingRows.rows(
                        v,
                        List.of(
                                call(3, "connect", InvocationKind.SYSCALL),
                                call(1, "openat", InvocationKind.SYSCALL),
                                call(2, "Svc#handle", InvocationKind.METHOD),
                                call(4, "execve", InvocationKind.SYSCALL)));
        assertThat(rows)
                .containsExactly(
                        "hostile\ttask-1@" + end + "\tbatch\tMETHOD\tSvc#handle",
                        "hostile\ttask-1@" + end + "\tbatch\tSYSCALL\topenat connect");
    }

    @Test
    void aFalsePositiveIsBenignAndATaskWithoutCallsGivesNoRow() {
        AnalystVerdict v =
                verdict(
                        "task-1@" + (Fixtures.T0.toEpochMilli() + 9),
                        VerdictLabel.FALSE_POSITIVE,
                        VerdictSubject.SEQUENCE);
        assertThat(RetrainingRows.rows(v, List.of(call(1, "read", InvocationKind.SYSCALL))))
                .singleElement()
                .satisfies(r -> assertThat(r).startsWith("benign\t"));
        assertThat(RetrainingRows.rows(v, List.of())).isEmpty();
    }

    @Test
    void onlySequenceVerdictsCountAndTheLatestOnAWindowWins() {
        AnalystVerdict first = verdict("t@1", VerdictLabel.TRUE_POSITIVE, VerdictSubject.SEQUENCE);
        AnalystVerdict risk = verdict("t@2", VerdictLabel.TRUE_POSITIVE, VerdictSubject.RISK);
        AnalystVerdict garbled =
                verdict("t-no-ref", VerdictLabel.TRUE_POSITIVE, VerdictSubject.SEQUENCE);
        AnalystVerdict changed =
                verdict("t@1", VerdictLabel.FALSE_POSITIVE, VerdictSubject.SEQUENCE);
        assertThat(RetrainingRows.latestSequenceVerdicts(List.of(first, risk, garbled, changed)))
                .containsOnlyKeys("t@1")
                .containsValue(changed);
        assertThat(RetrainingRows.Ref.parse("a@b@5")).contains(new RetrainingRows.Ref("a@b", 5));
    }
}
