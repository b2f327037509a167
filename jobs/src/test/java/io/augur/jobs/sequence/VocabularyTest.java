package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    private final Vocabulary vocab = new Vocabulary(List.of("read", "openat", "close"));

    @Test
    void idsStartAtTwoAfterPaddingAndUnknown() {
        assertThat(vocab.id("read")).isEqualTo(2);
        assertThat(vocab.id("close")).isEqualTo(4);
        assertThat(vocab.size()).isEqualTo(5);
        assertThat(vocab.name(3)).isEqualTo("openat");
        assertThat(vocab.name(0)).isEqualTo("<pad>");
    }

    @Test
    void unknownNameIsOne() {
        assertThat(vocab.id("ptrace")).isEqualTo(Vocabulary.UNKNOWN).isEqualTo(1);
        assertThat(vocab.knows("ptrace")).isFalse();
        assertThat(vocab.knows("read")).isTrue();
    }

    @Test
    void refusesDuplicates() {
        assertThatThrownBy(() -> new Vocabulary(List.of("a", "a")))
                .hasMessageContaining("'a' listed twice");
    }

    @Test
    void historyIsTheLastHIdsLeftPadded() {
        assertThat(History.ids(List.of("read", "ptrace"), vocab, 4)).containsExactly(0, 0, 2, 1);
        assertThat(History.ids(List.of("read", "openat", "close", "read"), vocab, 3))
                .containsExactly(3, 4, 2);
        assertThat(History.ids(List.<String>of(), vocab, 2)).containsExactly(0, 0);
    }
}
