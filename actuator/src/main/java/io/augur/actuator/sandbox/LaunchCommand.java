package io.augur.actuator.sandbox;

import io.augur.launch.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts a task inside its sandbox, in this order, each step {@code exec}ing
 * the next so the task's pid is the same throughout:
 *
 * <ol>
 *   <li>{@code setsid}: a session of its own, so a terminal's Ctrl-C reaches only the launcher,
 *       which forwards it to the command (not to bubblewrap's monitor, which would die);
 *   <li>{@code setpriv --pdeathsig KILL} (util-linux): the chain is SIGKILLed when the launcher
 *       dies (even by SIGKILL), and bubblewrap's {@code --die-with-parent} passes that on to the
 *       command, so a task never outlives its launcher;
 *   <li>{@code sh}: writes its own pid to every cgroup.procs file of the task (exit 97 when it
 *       cannot), so not one instruction runs outside the cgroup;
 *   <li>{@code ip netns exec NS}: joins the task's network namespace;
 *   <li>{@code bwrap --dev-bind / / --die-with-parent --seccomp 3}: a private mount namespace
 *       showing the host's file system, the filter read from fd 3 (the profile's program) and
 *       installed right before the command's {@code execve}. bwrap stays as the command's parent
 *       (it returns the command's exit status, 128+N for signal N) and kills it if it dies;
 *   <li>when supervised ({@link Supervised}): bwrap also lays an empty tmpfs over the supervision
 *       state directory (the task does not find it there), and runs {@code augur-seccomp exec},
 *       which installs the supervision filter, hands its listener to the supervisor and execs the
 *       command (exit {@value #SUPERVISION_FAILED} when it cannot: the command never runs
 *       unsupervised).
 * </ol>
 *
 * Pure.
 */
public final class LaunchCommand {
    /** sh's exit code when the task's cgroup cannot be joined. */
    public static final int CGROUP_JOIN_FAILED = 97;

    /** augur-seccomp's exit code when the supervision filter cannot be set up. */
    public static final int SUPERVISION_FAILED = 96;

    /**
     * The supervision step of a launch.
     *
     * @param helper the {@code augur-seccomp} executable
     * @param filter the supervision filter's program (a file)
     * @param socket where the supervisor waits for the listener
     * @param hidden the state directory, hidden inside the sandbox
     */
    public record Supervised(Path helper, Path filter, Path socket, Path hidden) {}

    private LaunchCommand() {}

    /** {@code setsid} and {@code setpriv --pdeathsig KILL}, where the machine has them. */
    public static List<String> prefix() {
        List<String> p = new ArrayList<>(JavaProcess.ownSession());
        for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(candidate))) {
                p.addAll(List.of(candidate, "--pdeathsig", "KILL"));
                break;
            }
        }
        return p;
    }

    public static List<String> argv(
            List<String> sessionPrefix,
            List<Path> procsFiles,
            String ip,
            String namespace,
            String bwrap,
            Path seccompProgram,
            List<String> command) {
        return argv(sessionPrefix, procsFiles, ip, namespace, bwrap, seccompProgram, null, command);
    }

    /** As above; {@code supervised} null = no supervision. */
    public static List<String> argv(
            List<String> sessionPrefix,
            List<Path> procsFiles,
            String ip,
            String namespace,
            String bwrap,
            Path seccompProgram,
            Supervised supervised,
            List<String> command) {
        StringBuilder s = new StringBuilder("for f in");
        for (Path procs : procsFiles) {
            s.append(' ').append(quote(procs.toString()));
        }
        s.append("; do echo $$ > \"$f\" || { echo \"augur run: cannot join cgroup $f\" >&2; exit ")
                .append(CGROUP_JOIN_FAILED)
                .append("; }; done; exec ");
        s.append(quote(ip)).append(" netns exec ").append(quote(namespace)).append(' ');
        s.append(quote(bwrap)).append(" --dev-bind / /");
        if (supervised != null) {
            s.append(" --tmpfs ").append(quote(supervised.hidden().toString()));
        }
        s.append(" --die-with-parent --seccomp 3 -- ");
        if (supervised != null) {
            s.append(quote(supervised.helper().toString()))
                    .append(" exec ")
                    .append(quote(supervised.filter().toString()))
                    .append(' ')
                    .append(quote(supervised.socket().toString()))
                    .append(" -- ");
        }
        s.append("\"$@\" 3< ");
        s.append(quote(seccompProgram.toString()));
        List<String> argv = new ArrayList<>(sessionPrefix);
        argv.addAll(List.of("/bin/sh", "-c", s.toString(), "augur-task"));
        argv.addAll(command);
        return argv;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
