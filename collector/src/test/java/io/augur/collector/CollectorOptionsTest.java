package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import java.nio.file.Path;
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
                .isEqualTo(
                        CollectorOptions.agent("b:1", "n", "augur", Duration.ofSeconds(1), null));
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
                .isEqualTo(
                        CollectorOptions.agent("b:1", "n", "augur", Duration.ofMillis(250), 9401));
    }

    @Test
    void parsesTheSpoolAndSendTimeout() throws Exception {
        CollectorOptions o =
                CollectorOptions.parse(
                        new String[] {
                            "--bootstrap",
                            "b:1",
                            "--node",
                            "n",
                            "--cgroup-root",
                            "augur",
                            "--spool-dir",
                            "/tmp/s",
                            "--spool-max-bytes",
                            "4096",
                            "--spool-max-records",
                            "10",
                            "--send-timeout-ms",
                            "2000"
                        });
        assertThat(o.spoolDir()).isEqualTo(Path.of("/tmp/s"));
        assertThat(o.spoolBound()).isEqualTo(new SpoolBound(4096, 10));
        assertThat(o.sendTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(
                        CollectorOptions.parse(
                                        new String[] {
                                            "--bootstrap", "b", "--node", "n1", "--cgroup-root", "r"
                                        })
                                .spoolDir())
                .isEqualTo(Path.of("/var/lib/augur/collector-spool/n1"));
    }

    static CollectorOptions withReap(String ms) throws UsageException {
        return CollectorOptions.parse(
                new String[] {
                    "--bootstrap", "b", "--node", "n", "--cgroup-root", "r", "--reap-after-ms", ms
                });
    }

    @Test
    void reapingDefaultsToThirtySecondsAndZeroTurnsItOff() throws Exception {
        assertThat(
                        CollectorOptions.parse(
                                        new String[] {
                                            "--bootstrap", "b", "--node", "n", "--cgroup-root", "r"
                                        })
                                .reapAfter())
                .isEqualTo(Duration.ofSeconds(120));
        assertThat(withReap("5000").reapAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(withReap("0").reapAfter()).isNull();
        assertThatThrownBy(() -> withReap("500"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--reap-after-ms");
        assertThatThrownBy(
                        () ->
                                CollectorOptions.parse(
                                        new String[] {"--once", "--reap-after-ms", "5000"}))
                .isInstanceOf(UsageException.class);
        assertThat(CollectorOptions.USAGE).contains("--reap-after-ms");
    }

    @Test
    void printModesNeedNoKafka() throws Exception {
        CollectorOptions once = CollectorOptions.parse(new String[] {"--once", "--format", "json"});
        assertThat(once.mode()).isEqualTo(CollectorOptions.Mode.ONCE);
        assertThat(once.cgroupRoot()).isEqualTo("augur");
        assertThat(once.node()).isNull();
        assertThat(once.bootstrap()).isNull();
        CollectorOptions follow =
                CollectorOptions.parse(
                        new String[] {"--cgroup-root", "r", "--follow", "--interval-ms", "500"});
        assertThat(follow.mode()).isEqualTo(CollectorOptions.Mode.FOLLOW);
        assertThat(follow.interval()).isEqualTo(Duration.ofMillis(500));

        assertThatThrownBy(() -> CollectorOptions.parse(new String[] {"--once", "--follow"}))
                .hasMessageContaining("exclude");
        assertThatThrownBy(
                        () -> CollectorOptions.parse(new String[] {"--once", "--format", "yaml"}))
                .hasMessageContaining("only json");
        assertThatThrownBy(
                        () -> CollectorOptions.parse(new String[] {"--once", "--bootstrap", "b"}))
                .hasMessageContaining("without Kafka");
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
                                            "--format",
                                            "json"
                                        }))
                .hasMessageContaining("--once or --follow");
    }

    @Test
    void listsAsManyBusiestProcessesAsAsked() throws Exception {
        assertThat(CollectorOptions.parse(new String[] {"--once"}).topProcesses())
                .isEqualTo(SampleBuilder.DEFAULT_TOP_PROCESSES);
        assertThat(
                        CollectorOptions.parse(new String[] {"--follow", "--top-processes", "0"})
                                .topProcesses())
                .isZero();
        assertThat(CollectorOptions.parse(new String[] {"--once"}).procStats()).isTrue();
        assertThat(
                        CollectorOptions.parse(new String[] {"--once", "--proc-stats", "off"})
                                .procStats())
                .isFalse();
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
        assertThatThrownBy(
                        () ->
                                CollectorOptions.parse(
                                        new String[] {"--once", "--top-processes", "65"}))
                .hasMessage("--top-processes must be at most 64, got 65");
        assertThatThrownBy(
                        () ->
                                CollectorOptions.parse(
                                        new String[] {"--once", "--top-processes", "-1"}))
                .hasMessageContaining("at least 0");
        assertThatThrownBy(
                        () -> CollectorOptions.parse(new String[] {"--once", "--proc-stats", "no"}))
                .hasMessage("--proc-stats must be on or off, got 'no'");
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
                                            "--trace-syscalls",
                                            "role:"
                                        }))
                .hasMessageStartingWith("--trace-syscalls: ");
        assertThatThrownBy(() -> CollectorOptions.parse(new String[] {"stray"}))
                .hasMessage("unknown argument: stray");
        assertThatThrownBy(() -> CollectorOptions.parse(new String[] {"--help"}))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
    }
}
