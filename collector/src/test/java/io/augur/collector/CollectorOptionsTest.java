package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CollectorOptionsTest {

    @Test
    void parsesAndDefaults() throws Exception {
        assertThat(
                        CollectorOptions.parse(
                                new String[] {
                                    "--bootstrap", "b:1", "--node", "n", "--cgroup-root", "augur"
                                }))
                .isEqualTo(new CollectorOptions("b:1", "n", "augur", Duration.ofSeconds(1), null));
        assertThat(
                        CollectorOptions.parse(
                                new String[] {
                                    "--bootstrap",
                                    "b:1",
                                    "--node",
                                    "n",
                                    "--cgroup-root",
                                    "augur",
                                    "--interval-ms",
                                    "250",
                                    "--metrics-port",
                                    "9401"
                                }))
                .isEqualTo(new CollectorOptions("b:1", "n", "augur", Duration.ofMillis(250), 9401));
    }

    @Test
    void explainsBadArguments() {
        assertThatThrownBy(() -> CollectorOptions.parse(new String[] {"--bootstrap", "b"}))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing --node");
        assertThatThrownBy(
                        () ->
                                CollectorOptions.parse(
                                        new String[] {
                                            "--bootstrap",
                                            "b",
                                            "--node",
                                            "n",
                                            "--cgroup-root",
                                            "r",
                                            "--interval-ms",
                                            "5"
                                        }))
                .hasMessageContaining("at least 100");
        assertThatThrownBy(() -> CollectorOptions.parse(new String[] {"stray"}))
                .hasMessage("unknown argument: stray");
        assertThatThrownBy(() -> CollectorOptions.parse(new String[] {"--help"}))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
    }
}
