package io.augur.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

    @Test
    void defaults() {
        AgentOptions o = AgentOptions.parse("packages=com.example.app");
        assertThat(o)
                .isEqualTo(
                        new AgentOptions(
                                List.of("com.example.app"),
                                Path.of("/run/augur/invocations.sock"),
                                65536,
                                512,
                                Path.of("/etc/augur/agent-salt"),
                                1));
    }

    @Test
    void everyKey() {
        AgentOptions o =
                AgentOptions.parse(
                        "packages=com.example.app, org.foo;socket=/tmp/a.sock;buffer=16;"
                                + "batch=8;salt-file=/tmp/salt;rate=10;");
        assertThat(o.packages()).containsExactly("com.example.app", "org.foo");
        assertThat(o.socket()).isEqualTo(Path.of("/tmp/a.sock"));
        assertThat(o.buffer()).isEqualTo(16);
        assertThat(o.batch()).isEqualTo(8);
        assertThat(o.saltFile()).isEqualTo(Path.of("/tmp/salt"));
        assertThat(o.rate()).isEqualTo(10);
    }

    @Test
    void matchesOnNameBoundaries() {
        AgentOptions o = AgentOptions.parse("packages=com.example.app,org.foo.Bar");
        assertThat(o.records("com.example.app.Main")).isTrue();
        assertThat(o.records("com.example.app.sub.Deep$Inner")).isTrue();
        assertThat(o.records("com.example.apple.Main")).isFalse();
        assertThat(o.records("org.foo.Bar")).isTrue();
        assertThat(o.records("org.foo.Bar$1")).isTrue();
        assertThat(o.records("org.foo.Bart")).isFalse();
    }

    @Test
    void neverTheJdkNorTheAgent() {
        AgentOptions o = AgentOptions.parse("packages=io.augur");
        assertThat(o.records("io.augur.workload.Main")).isTrue();
        assertThat(o.records("io.augur.agent.InvocationRecorder")).isFalse();
        assertThat(o.records("io.augur.agent.shaded.bytebuddy.ByteBuddy")).isFalse();
        assertThatThrownBy(() -> AgentOptions.parse("packages=java.util"))
                .hasMessageContaining("never instrumented");
        assertThatThrownBy(() -> AgentOptions.parse("packages=io.augur.agent"))
                .hasMessageContaining("never instrumented");
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> AgentOptions.parse(null)).hasMessageContaining("packages");
        assertThatThrownBy(() -> AgentOptions.parse("socket=/x")).hasMessageContaining("required");
        assertThatThrownBy(() -> AgentOptions.parse("packages=a;colour=red"))
                .hasMessageContaining("unknown key 'colour'");
        assertThatThrownBy(() -> AgentOptions.parse("packages=a;buffer=0"))
                .hasMessageContaining("buffer=0");
        assertThatThrownBy(() -> AgentOptions.parse("packages=a;batch=99999"))
                .hasMessageContaining("batch=99999");
        assertThatThrownBy(() -> AgentOptions.parse("packages=a;batch=x"))
                .hasMessageContaining("batch=x");
        assertThatThrownBy(() -> AgentOptions.parse("packages=a..b"))
                .hasMessageContaining("not a package");
        assertThatThrownBy(() -> AgentOptions.parse("packages=a;packages=b"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> AgentOptions.parse("packages")).hasMessageContaining("key=value");
    }
}
