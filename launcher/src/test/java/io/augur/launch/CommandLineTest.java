package io.augur.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final Set<String> KNOWN = Set.of("node", "interval-ms");

    @Test
    void pairsOfKnownNamesAreSplit() throws Exception {
        assertThat(
                        CommandLine.options(
                                new String[] {"--node", "n1", "--interval-ms", "500"}, KNOWN))
                .containsEntry("node", "n1")
                .containsEntry("interval-ms", "500")
                .hasSize(2);
        assertThat(CommandLine.options(new String[0], KNOWN)).isEmpty();
    }

    @Test
    void unknownNamesMissingValuesAndHelpAreUsageErrors() {
        assertThatThrownBy(() -> CommandLine.options(new String[] {"--nodes", "x"}, KNOWN))
                .isInstanceOf(UsageException.class)
                .hasMessage("unknown argument: --nodes");
        assertThatThrownBy(() -> CommandLine.options(new String[] {"stray"}, KNOWN))
                .hasMessage("unknown argument: stray");
        assertThatThrownBy(() -> CommandLine.options(new String[] {"--node"}, KNOWN))
                .hasMessage("--node needs a value");
        assertThatThrownBy(() -> CommandLine.options(new String[] {"--node", "a", "-h"}, KNOWN))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
    }
}
