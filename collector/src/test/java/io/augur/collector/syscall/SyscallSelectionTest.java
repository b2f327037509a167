package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyscallSelectionTest {

    @Test
    void noneSelectsNothingAndAllEverything() {
        assertThat(SyscallSelection.parse("none")).isSameAs(SyscallSelection.NONE);
        assertThat(SyscallSelection.NONE.isNone()).isTrue();
        assertThat(SyscallSelection.NONE.selects("t1", "batch")).isFalse();
        assertThat(SyscallSelection.parse(" all ")).isSameAs(SyscallSelection.ALL);
        assertThat(SyscallSelection.ALL.selects("t1", null)).isTrue();
    }

    @Test
    void selectsByRoleOrTaskId() {
        SyscallSelection s = SyscallSelection.parse("role:batch, role:service,task:t-42");

        assertThat(s.isNone()).isFalse();
        assertThat(s.selects("t1", "batch")).isTrue();
        assertThat(s.selects("t2", "service")).isTrue();
        assertThat(s.selects("t-42", "default")).isTrue();
        assertThat(s.selects("t3", "default")).isFalse();
        assertThat(s.selects("t3", null)).isFalse();
        assertThat(s).hasToString("role:batch,role:service,task:t-42");
        assertThat(SyscallSelection.parse(s.toString())).isEqualTo(s).hasSameHashCodeAs(s);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|it is empty",
                "'   '|it is empty",
                "all,role:batch|'all' cannot be combined",
                "role:batch,none|'none' cannot be combined",
                "role:|role '' must match",
                "role:two words|role 'two words' must match",
                "task:../etc|task id '../etc' must match",
                "task:|task id is empty",
                "role:a,,role:b|an empty item",
                "role:a,|an empty item",
                "batch|'batch' is neither role:NAME nor task:ID",
                "Role:batch|'Role:batch' is neither",
                "ALL|'ALL' is neither",
            })
    void aBadSpecSaysWhatIsWrongAndWhatIsAccepted(String spec, String problem) {
        assertThatThrownBy(() -> SyscallSelection.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining("expected " + SyscallSelection.SYNTAX);
    }

    @Test
    void aMissingSpecIsRefused() {
        assertThatThrownBy(() -> SyscallSelection.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is empty");
    }
}
