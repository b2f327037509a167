package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchCommandTest {
    @Test
    void joinsTheCgroupThenTheNamespaceThenBwrapWithTheFilterOnFd3() {
        List<String> argv =
                LaunchCommand.argv(
                        List.of("/usr/bin/setsid"),
                        List.of(
                                Path.of("/sys/fs/cgroup/cpu/augur/t1/cgroup.procs"),
                                Path.of("/x/it's")),
                        "/usr/sbin/ip",
                        "augur-task-t1",
                        "/usr/bin/bwrap",
                        Path.of("/tmp/p.bpf"),
                        List.of("echo", "a b", "$HOME"));
        assertThat(argv.subList(0, 3)).containsExactly("/usr/bin/setsid", "/bin/sh", "-c");
        assertThat(argv.get(3))
                .isEqualTo(
                        "for f in '/sys/fs/cgroup/cpu/augur/t1/cgroup.procs' '/x/it'\\''s'; do echo $$ >"
                                + " \"$f\" || { echo \"augur run: cannot join cgroup $f\" >&2; exit 97; };"
                                + " done; exec '/usr/sbin/ip' netns exec 'augur-task-t1'"
                                + " '/usr/bin/bwrap' --dev-bind / / --die-with-parent --seccomp 3 -- \"$@\""
                                + " 3< '/tmp/p.bpf'");
        // The command's words are passed as they are, never through the shell's parser.
        assertThat(argv.subList(4, argv.size()))
                .containsExactly("augur-task", "echo", "a b", "$HOME");
    }

    @Test
    void aSupervisedLaunchHidesTheStateAndRunsTheShimBeforeTheCommand() {
        List<String> argv =
                LaunchCommand.argv(
                        List.of(),
                        List.of(Path.of("/cg/cgroup.procs")),
                        "ip",
                        "ns",
                        "bwrap",
                        Path.of("/tmp/p.bpf"),
                        new LaunchCommand.Supervised(
                                Path.of("/opt/augur-seccomp"),
                                Path.of("/tmp/n.bpf"),
                                Path.of("/run/augur/tasks/s.sock"),
                                Path.of("/run/augur/seccomp")),
                        List.of("true"));
        assertThat(argv.get(2))
                .endsWith(
                        "exec 'ip' netns exec 'ns' 'bwrap' --dev-bind / / --tmpfs"
                                + " '/run/augur/seccomp' --die-with-parent --seccomp 3 --"
                                + " '/opt/augur-seccomp' exec '/tmp/n.bpf'"
                                + " '/run/augur/tasks/s.sock' -- \"$@\" 3< '/tmp/p.bpf'");
        assertThat(argv.subList(3, argv.size())).containsExactly("augur-task", "true");
    }
}
