package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"task-1", "a", "A.b_c-9", "0"})
    void acceptsDomainIds(String id) {
        assertThat(TaskIds.isValid(id)).isTrue();
        assertThat(TaskIds.requireValid(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "..",
                ".",
                "../../etc",
                "a/b",
                "/abs",
                ".hidden",
                "-flag",
                "a b",
                "tab\there",
                "new\nline",
                "nul\0",
                "caf\u00e9"
            })
    void rejectsAnythingThatCouldLeaveTheRoot(String id) {
        assertThat(TaskIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> TaskIds.requireValid(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("task id");
    }

    @org.junit.jupiter.api.Test
    void limitsLengthTo128Bytes() {
        assertThat(TaskIds.isValid("a".repeat(128))).isTrue();
        assertThatThrownBy(() -> TaskIds.requireValid("a".repeat(129)))
                .hasMessageContaining("longer than 128 bytes");
    }

    @org.junit.jupiter.api.Test
    void escapesControlCharactersInMessages() {
        assertThat(TaskIds.problem("a\nb")).contains("a\\u000ab").doesNotContain("\n");
    }
}
