package io.augur.functions.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.functions.allocation.NodeResources;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    @Test
    void parsesEverything() {
        ServerOptions o =
                ServerOptions.parse(
                                "--port", "8000",
                                "--metrics-port", "9100",
                                "--node-cpu-cores", "2.5",
                                "--node-memory-bytes", "1073741824",
                                "--high-threshold", "0.8",
                                "--medium-threshold", "0.3")
                        .orElseThrow();

        assertThat(o.port()).isEqualTo(8000);
        assertThat(o.metricsPort()).hasValue(9100);
        assertThat(o.nodeCapacity()).isEqualTo(new NodeResources(2.5, 1L << 30));
        assertThat(o.settings().highThreshold()).isEqualTo(0.8);
        assertThat(o.settings().mediumThreshold()).isEqualTo(0.3);
        assertThat(o.bindAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void defaultsAndHelp() {
        ServerOptions o = ServerOptions.parse("--port", "0").orElseThrow();
        assertThat(o.metricsPort()).isEmpty();
        assertThat(o.settings().highThreshold()).isEqualTo(0.7);
        assertThat(o.settings().mediumThreshold()).isEqualTo(0.4);
        assertThat(ServerOptions.parse("--help")).isEmpty();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> ServerOptions.parse()).hasMessageContaining("--port is required");
        assertThatThrownBy(() -> ServerOptions.parse("--port", "x"))
                .hasMessageContaining("needs a number");
        assertThatThrownBy(() -> ServerOptions.parse("--port", "70000"))
                .hasMessageContaining("port number");
        assertThatThrownBy(() -> ServerOptions.parse("--port", "1", "--high-threshold", "0.2"))
                .hasMessageContaining("medium <= high");
        assertThatThrownBy(() -> ServerOptions.parse("--port", "1", "--node-cpu-cores", "-1"))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> ServerOptions.parse("--bogus", "1"))
                .hasMessageContaining("unknown");
        assertThatThrownBy(
                        () ->
                                ServerOptions.parse(
                                        "--port",
                                        "1",
                                        "--policy",
                                        "p.yaml",
                                        "--high-threshold",
                                        "0.8"))
                .hasMessageContaining("exclude each other");
        assertThat(
                        ServerOptions.parse("--port", "1", "--policy", "p.yaml")
                                .orElseThrow()
                                .policyFile())
                .contains(java.nio.file.Path.of("p.yaml"));
    }
}
