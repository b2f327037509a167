package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.actuator.net.Destination;
import io.augur.actuator.net.NetworkPolicy;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.UsageException;
import io.augur.schema.TrustLevel;
import org.junit.jupiter.api.Test;

class RunOptionsTest {
    static RunOptions parse(String... args) throws UsageException {
        return RunOptions.parse(args);
    }

    @Test
    void defaults() throws UsageException {
        RunOptions o = parse("--task", "t-1", "--", "sleep", "1");
        assertThat(o.taskId()).isEqualTo("t-1");
        assertThat(o.command()).containsExactly("sleep", "1");
        assertThat(o.profile()).isEqualTo("default");
        assertThat(o.cgroupRoot()).isEqualTo("augur");
        assertThat(o.cgroupMount()).isEqualTo(TaskCgroups.DEFAULT_MOUNT);
        assertThat(o.network()).isEqualTo(NetworkPolicy.open());
        assertThat(o.bootstrap()).isNull();
        assertThat(o.cpuCores()).isNull();
        assertThat(o.memoryBytes()).isNull();
        assertThat(o.pidsMax()).isNull();
        assertThat(o.userId()).isEqualTo("local");
        assertThat(o.node()).isEqualTo("local");
        assertThat(o.baselineTrust()).isEqualTo(TrustLevel.MEDIUM);
    }

    @Test
    void trustIsTheBaselineTheStartedEventClaims() throws UsageException {
        assertThat(parse("--task", "t", "--trust", "high", "--", "true").baselineTrust())
                .isEqualTo(TrustLevel.HIGH);
        assertThat(parse("--task", "t", "--trust", "LOW", "--", "true").baselineTrust())
                .isEqualTo(TrustLevel.LOW);
        assertThatThrownBy(() -> parse("--task", "t", "--trust", "total", "--", "true"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--trust must be high, medium or low, got 'total'");
    }

    @Test
    void everyOption() throws UsageException {
        RunOptions o =
                parse(
                        "--task",
                        "t1",
                        "--user",
                        "alice",
                        "--role",
                        "batch",
                        "--cpu",
                        "0.5",
                        "--memory",
                        "256M",
                        "--pids",
                        "64",
                        "--network",
                        "2m",
                        "--allow",
                        "10.231.0.0/16:80,10.0.0.1",
                        "--profile",
                        "restricted",
                        "--bootstrap",
                        "127.0.0.1:9092",
                        "--cgroup-root",
                        "augur-x",
                        "--cgroup-mount",
                        "/sys/fs/cgroup/unified",
                        "--node",
                        "n1",
                        "--",
                        "sh",
                        "-c",
                        "--help -- x");
        assertThat(o.cpuCores()).isEqualTo(0.5);
        assertThat(o.memoryBytes()).isEqualTo(256L << 20);
        assertThat(o.pidsMax()).isEqualTo(64);
        assertThat(o.network().bandwidthBytesPerSecond()).isEqualTo(2_000_000L);
        assertThat(o.network().enabled()).isTrue();
        assertThat(o.network().allowList())
                .containsExactly(
                        new Destination("10.231.0.0", 16, 80), new Destination("10.0.0.1", 32, 0));
        assertThat(o.profile()).isEqualTo("restricted");
        assertThat(o.command()).containsExactly("sh", "-c", "--help -- x");
        assertThat(o.userId()).isEqualTo("alice");
        assertThat(o.cgroupMount()).hasToString("/sys/fs/cgroup/unified");
        assertThat(o.cgroupMount()).hasToString("/sys/fs/cgroup/unified");
        assertThat(o.role()).isEqualTo("batch");
    }

    @Test
    void networkModes() throws UsageException {
        assertThat(RunOptions.network("off")).isEqualTo(NetworkPolicy.off());
        assertThat(RunOptions.network("on")).isEqualTo(NetworkPolicy.open());
        assertThat(RunOptions.network("1500").bandwidthBytesPerSecond()).isEqualTo(1500L);
        assertThat(RunOptions.network("1k").bandwidthBytesPerSecond()).isEqualTo(1000L);
        assertThat(RunOptions.network("3G").bandwidthBytesPerSecond()).isEqualTo(3_000_000_000L);
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertBad("missing the command", "--task", "t1");
        assertBad("missing the command", "--task", "t1", "--");
        assertBad("missing --task", "--", "true");
        assertBad("--task: task id '../x' must match", "--task", "../x", "--", "true");
        assertBad(
                "--network must be on, off or a rate",
                "--task",
                "t",
                "--network",
                "fast",
                "--",
                "true");
        assertBad("--network rate must be in", "--task", "t", "--network", "0", "--", "true");
        assertBad("--memory must be bytes", "--task", "t", "--memory", "lots", "--", "true");
        assertBad("--cpu must be positive", "--task", "t", "--cpu", "-1", "--", "true");
        assertBad("--pids must be at least 1", "--task", "t", "--pids", "0", "--", "true");
        assertBad(
                "--allow: bad destination '10.0.0.300'",
                "--task",
                "t",
                "--allow",
                "10.0.0.300",
                "--",
                "true");
        assertBad(
                "--allow: bad destination '10.0.0.1/8'",
                "--task",
                "t",
                "--allow",
                "10.0.0.1/8",
                "--",
                "true");
        assertBad(
                "--allow: empty destination", "--task", "t", "--allow", "10.0.0.1,", "--", "true");
        assertBad("unknown argument: --frob", "--task", "t", "--frob", "1", "--", "true");
        assertBad(
                "--bootstrap must be HOST:PORT",
                "--task",
                "t",
                "--bootstrap",
                "nohost",
                "--",
                "true");
        assertBad(
                "--profile must be a profile name",
                "--task",
                "t",
                "--profile",
                "../x",
                "--",
                "true");
        assertBad(
                "--cgroup-root must be a plain name",
                "--task",
                "t",
                "--cgroup-root",
                "a/b",
                "--",
                "true");
    }

    @Test
    void helpBeforeTheCommandIsHelp() {
        assertThatThrownBy(() -> parse("--help"))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
    }

    static void assertBad(String message, String... args) {
        assertThatThrownBy(() -> RunOptions.parse(args))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isFalse())
                .hasMessageContaining(message);
    }

    @Test
    void sizes() throws UsageException {
        assertThat(RunOptions.size("memory", "1024")).isEqualTo(1024);
        assertThat(RunOptions.size("memory", "4k")).isEqualTo(4096);
        assertThat(RunOptions.size("memory", "1G")).isEqualTo(1L << 30);
        assertThat(RunOptions.size("memory", "64MiB")).isEqualTo(64L << 20);
    }
}
