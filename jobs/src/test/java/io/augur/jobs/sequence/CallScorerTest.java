package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallScorerTest {
    // ids: 0 pad, 1 unknown, read 2, write 3, open 4, close 5
    private static final Vocabulary VOCAB =
            new Vocabulary(List.of("read", "write", "open", "close"));
    private static final float[] P = {0f, 0.01f, 0.5f, 0.25f, 0.24f, 0f};

    @Test
    void anomalyIsOneOverP() {
        CallScore s = CallScorer.score(P, "write", VOCAB, 2, 1e6);
        assertThat(s.p()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(s.anomaly()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(s.outOfVocabulary()).isFalse();
        assertThat(s.topGMiss()).isFalse();
    }

    @Test
    void probabilityZeroScoresTheMaximum() {
        CallScore s = CallScorer.score(P, "close", VOCAB, 2, 1e6);
        assertThat(s.p()).isZero();
        assertThat(s.anomaly()).isEqualTo(1e6);
        assertThat(s.outOfVocabulary()).isFalse();
        assertThat(s.topGMiss()).isTrue();
    }

    @Test
    void outOfVocabularyScoresTheMaximumAndIsCounted() {
        CallScore s = CallScorer.score(P, "ptrace", VOCAB, 5, 1e6);
        assertThat(s.anomaly()).isEqualTo(1e6);
        assertThat(s.outOfVocabulary()).isTrue();
        assertThat(s.topGMiss()).isTrue();
    }

    @Test
    void oneOverPIsCappedAtMaxScore() {
        float[] tiny = {0f, 0f, 1e-9f, 0.5f, 0.5f, 0f};
        CallScore s = CallScorer.score(tiny, "read", VOCAB, 2, 1000);
        assertThat(s.anomaly()).isEqualTo(1000);
        assertThat(s.outOfVocabulary()).isFalse();
    }

    @Test
    void topGMissWhenGCallsAreMoreProbable() {
        // read 0.5 > write 0.25 > open 0.24: open is 3rd
        assertThat(CallScorer.score(P, "open", VOCAB, 2, 1e6).topGMiss()).isTrue();
        assertThat(CallScorer.score(P, "open", VOCAB, 3, 1e6).topGMiss()).isFalse();
        assertThat(CallScorer.score(P, "read", VOCAB, 1, 1e6).topGMiss()).isFalse();
    }

    @Test
    void tiesFavourTheCall() {
        float[] tied = {0f, 0f, 0.3f, 0.3f, 0.3f, 0.1f};
        assertThat(CallScorer.score(tied, "open", VOCAB, 1, 1e6).topGMiss()).isFalse();
    }

    @Test
    void refusesProbabilitiesOfTheWrongLength() {
        assertThatThrownBy(() -> CallScorer.score(new float[3], "read", VOCAB, 1, 1e6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary needs 6");
    }
}
