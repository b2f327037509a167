package io.augur.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    private static final Set<String> KNOWN = Set.of("interval-ms", "cores", "metrics-port", "node");

    private static Arguments of(String... args) throws UsageException {
        return CommandLine.arguments(args, KNOWN);
    }

    @Test
    void absentFlagsGiveTheirDefaults() throws Exception {
        Arguments a = of();
        assertThat(a.longAtLeast("interval-ms", 1000, 100)).isEqualTo(1000);
        assertThat(a.positiveDouble("cores", 2.0)).isEqualTo(2.0);
        assertThat(a.port("metrics-port")).isNull();
        assertThatThrownBy(() -> a.require("node")).hasMessage("missing --node");
    }

    @Test
    void givenValuesAreParsedAndChecked() throws Exception {
        Arguments a = of("--interval-ms", "250", "--cores", "1.5", "--metrics-port", "9402");
        assertThat(a.longAtLeast("interval-ms", 1000, 100)).isEqualTo(250);
        assertThat(a.positiveDouble("cores", 2.0)).isEqualTo(1.5);
        assertThat(a.port("metrics-port")).isEqualTo(9402);

        assertThatThrownBy(() -> of("--interval-ms", "50").longAtLeast("interval-ms", 1000, 100))
                .hasMessage("--interval-ms must be at least 100, got 50");
        assertThatThrownBy(() -> of("--interval-ms", "x").longAtLeast("interval-ms", 1000, 100))
                .hasMessage("--interval-ms must be a whole number, got 'x'");
        assertThatThrownBy(() -> of("--cores", "-1").positiveDouble("cores", 1))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> of("--cores", "many").positiveDouble("cores", 1))
                .hasMessageContaining("must be a number");
        assertThatThrownBy(() -> of("--metrics-port", "70000").port("metrics-port"))
                .hasMessage("--metrics-port must be in 1..65535, got 70000");
    }
}
