package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnforcerOptionsTest {

    @Test
    void parsesEveryOption() throws Exception {
        EnforcerOptions o =
                EnforcerOptions.parse(
                        new String[] {
                            "--bootstrap", "127.0.0.1:9092", "--node", "node-1",
                            "--cgroup-root", "augur", "--state-dir", "/tmp/s",
                            "--metrics-port", "9400", "--node-cpu-cores", "1.5",
                            "--node-memory-bytes", "1073741824"
                        });
        assertThat(o)
                .isEqualTo(
                        new EnforcerOptions(
                                "127.0.0.1:9092",
                                "node-1",
                                "augur",
                                Path.of("/tmp/s"),
                                9400,
                                new NodeBounds(1.5, 1L << 30)));
    }

    @Test
    void defaultsTheBoundsToThisMachine() throws Exception {
        EnforcerOptions o =
                EnforcerOptions.parse(
                        new String[] {
                            "--bootstrap",
                            "b:1",
                            "--node",
                            "n",
                            "--cgroup-root",
                            "r",
                            "--state-dir",
                            "s"
                        });
        assertThat(o.bounds()).isEqualTo(NodeBounds.ofThisMachine());
        assertThat(o.metricsPort()).isNull();
    }

    @Test
    void explainsBadArguments() {
        assertThatThrownBy(() -> EnforcerOptions.parse(new String[] {"--node", "n"}))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing --cgroup-root");
        assertThatThrownBy(() -> EnforcerOptions.parse(new String[] {"--frobnicate", "1"}))
                .hasMessage("unknown argument: --frobnicate");
        assertThatThrownBy(() -> EnforcerOptions.parse(new String[] {"--bootstrap"}))
                .hasMessage("--bootstrap needs a value");
        assertThatThrownBy(
                        () ->
                                EnforcerOptions.parse(
                                        new String[] {
                                            "--bootstrap",
                                            "b",
                                            "--node",
                                            "n",
                                            "--cgroup-root",
                                            "../x",
                                            "--state-dir",
                                            "s"
                                        }))
                .hasMessageContaining("--cgroup-root");
        assertThatThrownBy(
                        () ->
                                EnforcerOptions.parse(
                                        new String[] {
                                            "--bootstrap",
                                            "b",
                                            "--node",
                                            "n",
                                            "--cgroup-root",
                                            "r",
                                            "--state-dir",
                                            "s",
                                            "--node-cpu-cores",
                                            "zero"
                                        }))
                .hasMessageContaining("must be a number");
    }

    @Test
    void helpIsNotAnError() {
        assertThatThrownBy(() -> EnforcerOptions.parse(new String[] {"--help"}))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
    }
}
