package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.InvocationKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceCaptureTest {
    static final Scenario HOSTILE_TURN = Scenarios.byName("jvm-service-hostile").orElseThrow();
    static final Scenario BENIGN_JVM = Scenarios.byName("jvm-service").orElseThrow();
    static final String TURN = Scenarios.SHOP_TURN;

    @Test
    void aRunThatTurnsHostileIsABenignPrefixAndAHostileRestSplitAtTheFirstTurnCall() {
        List<InvocationsTsv.Trace> lines =
                SequenceCapture.traces(
                        HOSTILE_TURN,
                        "t1",
                        InvocationKind.METHOD,
                        List.of("A#parse", "A#price", TURN, "A#parse", TURN, "X#steal"));
        assertThat(lines)
                .extracting(InvocationsTsv.Trace::label, InvocationsTsv.Trace::trace)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("benign", "t1:benign-prefix"),
                        org.assertj.core.groups.Tuple.tuple("hostile", "t1"));
        assertThat(lines.get(0).calls()).containsExactly("A#parse", "A#price");
        assertThat(lines.get(1).calls()).containsExactly(TURN, "A#parse", TURN, "X#steal");
        assertThat(lines).allMatch(l -> l.role().equals("service"));
    }

    @Test
    void aTurnAtTheFirstCallHasNoPrefixAndARunThatNeverTurnedIsBenign() {
        assertThat(
                        SequenceCapture.traces(
                                HOSTILE_TURN, "t", InvocationKind.METHOD, List.of(TURN, "X#y")))
                .extracting(InvocationsTsv.Trace::label)
                .containsExactly("hostile");
        assertThat(
                        SequenceCapture.traces(
                                HOSTILE_TURN, "t", InvocationKind.METHOD, List.of("A#a", "A#b")))
                .extracting(InvocationsTsv.Trace::label, InvocationsTsv.Trace::trace)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("benign", "t:benign-prefix"));
    }

    @Test
    void aScenarioWithoutATurnIsOneLineWithItsLabelAndNoCallsIsNoLine() {
        assertThat(
                        SequenceCapture.traces(
                                BENIGN_JVM, "b", InvocationKind.METHOD, List.of("A#a", TURN)))
                .singleElement()
                .satisfies(
                        l -> {
                            assertThat(l.label()).isEqualTo("benign");
                            assertThat(l.trace()).isEqualTo("b");
                            assertThat(l.calls()).containsExactly("A#a", TURN);
                        });
        Scenario miner = Scenarios.byName("cpu-mining-beacon").orElseThrow();
        assertThat(SequenceCapture.traces(miner, "m", InvocationKind.SYSCALL, List.of("read")))
                .singleElement()
                .satisfies(l -> assertThat(l.label()).isEqualTo("hostile"));
        assertThat(SequenceCapture.traces(miner, "m", InvocationKind.SYSCALL, List.of())).isEmpty();
    }
}
