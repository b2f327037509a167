package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.Fixtures;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerdictOptionsTest {

    private static VerdictOptions parse(String... args) throws UsageException {
        return VerdictOptions.parse(args, "alice");
    }

    @Test
    void defaultsJudgeTheLatestSequenceAnomalyAsTheLoginName() throws Exception {
        VerdictOptions o = parse("t-1", "--false-positive", "--bootstrap", "h:9092");
        assertThat(o.taskId()).isEqualTo("t-1");
        assertThat(o.label()).isEqualTo(VerdictLabel.FALSE_POSITIVE);
        assertThat(o.subject()).isEqualTo(VerdictSubject.SEQUENCE);
        assertThat(o.windowEnd()).isEmpty();
        assertThat(o.analyst()).isEqualTo("alice");
        assertThat(o.note()).isEmpty();
    }

    @Test
    void everyOptionIsTaken() throws Exception {
        VerdictOptions o =
                parse(
                        "t-1",
                        "--true-positive",
                        "--note",
                        "miner",
                        "--analyst",
                        "bob",
                        "--window",
                        "1767225601000",
                        "--subject",
                        "risk",
                        "--bootstrap",
                        "h:9092");
        assertThat(o.label()).isEqualTo(VerdictLabel.TRUE_POSITIVE);
        assertThat(o.note()).contains("miner");
        assertThat(o.analyst()).isEqualTo("bob");
        assertThat(o.windowEnd()).hasValue(1767225601000L);
        assertThat(o.subject()).isEqualTo(VerdictSubject.RISK);
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("t-1", "--bootstrap", "h:1"))
                .hasMessageContaining("--false-positive or --true-positive");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "t-1",
                                        "--false-positive",
                                        "--true-positive",
                                        "--bootstrap",
                                        "h:1"))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> parse("--false-positive", "--bootstrap", "h:1"))
                .hasMessageContaining("which task");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "t-1",
                                        "--false-positive",
                                        "--window",
                                        "yesterday",
                                        "--bootstrap",
                                        "h:1"))
                .hasMessageContaining("epoch milliseconds");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "t-1",
                                        "--false-positive",
                                        "--window",
                                        "5",
                                        "--latest",
                                        "--bootstrap",
                                        "h:1"))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "t-1",
                                        "--false-positive",
                                        "--subject",
                                        "mood",
                                        "--bootstrap",
                                        "h:1"))
                .hasMessageContaining("sequence or risk");
        assertThatThrownBy(() -> parse("t-1", "--false-positive"))
                .hasMessageContaining("--bootstrap");
    }

    @Test
    void theVerdictNamesTheLatestOrTheAskedWindowAndCarriesTheRole() throws Exception {
        JudgedTask task = new JudgedTask(Optional.of("batch"), List.of(1000L, 2000L, 3000L));
        AnalystVerdict latest =
                Verdicts.verdict(
                        parse("t-1", "--false-positive", "--note", "nightly", "--bootstrap", "h:1"),
                        task,
                        Fixtures.T0,
                        "v-9");
        assertThat(latest.getAssessmentRef()).isEqualTo("t-1@3000");
        assertThat(latest.getRole()).isEqualTo("batch");
        assertThat(latest.getSubject()).isEqualTo(VerdictSubject.SEQUENCE);
        assertThat(latest.getNote()).isEqualTo("nightly");
        assertThat(latest.getTimestamp()).isEqualTo(Fixtures.T0);
        assertThat(latest.getVerdictId()).isEqualTo("v-9");

        AnalystVerdict asked =
                Verdicts.verdict(
                        parse("t-1", "--true-positive", "--window", "2000", "--bootstrap", "h:1"),
                        task,
                        Fixtures.T0,
                        "v-10");
        assertThat(asked.getAssessmentRef()).isEqualTo("t-1@2000");
        assertThat(asked.getLabel()).isEqualTo(VerdictLabel.TRUE_POSITIVE);
    }

    @Test
    void unknownTaskNoRecordAndAWrongWindowAreRefused() throws Exception {
        VerdictOptions o = parse("t-1", "--false-positive", "--bootstrap", "h:1");
        assertThatThrownBy(
                        () ->
                                Verdicts.verdict(
                                        o,
                                        new JudgedTask(Optional.empty(), List.of()),
                                        Fixtures.T0,
                                        "v"))
                .isInstanceOf(Verdicts.NothingToJudge.class)
                .hasMessageContaining("unknown task 't-1'");
        assertThatThrownBy(
                        () ->
                                Verdicts.verdict(
                                        o,
                                        new JudgedTask(Optional.of("batch"), List.of()),
                                        Fixtures.T0,
                                        "v"))
                .hasMessageContaining("no SequenceAnomaly on augur.anomalies")
                .hasMessageContaining("judged with --subject risk");
        assertThatThrownBy(
                        () ->
                                Verdicts.verdict(
                                        parse(
                                                "t-1",
                                                "--false-positive",
                                                "--window",
                                                "7",
                                                "--bootstrap",
                                                "h:1"),
                                        new JudgedTask(Optional.of("batch"), List.of(1000L)),
                                        Fixtures.T0,
                                        "v"))
                .hasMessageContaining("no SequenceAnomaly with windowEnd 7")
                .hasMessageContaining("latest: 1000");
    }
}
