package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import org.junit.jupiter.api.Test;

class ExplainOptionsTest {

    @Test
    void takesTheTaskAndTheBroker() throws Exception {
        assertThat(ExplainOptions.parse(new String[] {"t-1", "--bootstrap", "h:9092"}))
                .isEqualTo(new ExplainOptions("t-1", "h:9092", 5));
        assertThat(
                        ExplainOptions.parse(
                                new String[] {"--bootstrap", "h:1", "--decisions", "2", "t"}))
                .isEqualTo(new ExplainOptions("t", "h:1", 2));
    }

    @Test
    void refusesWhatItCannotDo() {
        assertThatThrownBy(() -> ExplainOptions.parse(new String[] {"--bootstrap", "h:1"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("which task");
        assertThatThrownBy(() -> ExplainOptions.parse(new String[] {"t"}))
                .hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> ExplainOptions.parse(new String[] {"a", "b", "--bootstrap", "h"}))
                .hasMessageContaining("one task at a time");
        assertThatThrownBy(
                        () ->
                                ExplainOptions.parse(
                                        new String[] {"t", "--bootstrap", "h", "--decisions", "0"}))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ExplainOptions.parse(new String[] {"t", "--json"}))
                .hasMessageContaining("unknown argument: --json");
    }
}
