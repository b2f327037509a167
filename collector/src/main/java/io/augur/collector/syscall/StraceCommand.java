package io.augur.collector.syscall;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The strace command line that attaches to a task's processes:
 *
 * <pre>
 * strace -f -q -ttt -e trace=SET -e signal=none -e raw=all -o /dev/stdout -p PID...
 * </pre>
 *
 * <ul>
 *   <li>{@code -f}: follows forks, vforks and clones (and, with {@code -p}, every thread of each
 *       attached process);
 *   <li>{@code -q}: no attach/detach messages; thread exits ({@code +++ exited +++}) stay, as they
 *       tell when a thread id may be reused;
 *   <li>{@code -ttt}: entry time, epoch seconds with microseconds;
 *   <li>{@code -e signal=none}: no signal lines;
 *   <li>{@code -e raw=all}: arguments as raw numbers, so strace never reads strings or structures
 *       out of the task's memory (arguments are not kept anyway);
 *   <li>{@code -o /dev/stdout}: the trace on standard output, line-buffered, apart from strace's
 *       own diagnostics on standard error.
 * </ul>
 *
 * @param executable strace's binary (Debian: {@code /usr/bin/strace})
 * @param traceSet the {@code -e trace=} expression: {@code all}, or a list such as {@code
 *     %file,%network,%process}
 */
public record StraceCommand(Path executable, String traceSet) {

    /** Debian's strace. */
    public static final Path DEBIAN_STRACE = Path.of("/usr/bin/strace");

    /** Every call: the sequences the behaviour models learn from (see the package overhead). */
    public static final String ALL = "all";

    private static final Pattern TRACE_SET = Pattern.compile("[A-Za-z0-9_%,!?/.*+^$|\\[\\]-]+");

    public StraceCommand {
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(traceSet, "traceSet");
        if (!TRACE_SET.matcher(traceSet).matches()) {
            throw new IllegalArgumentException(
                    "strace trace set '"
                            + traceSet
                            + "' must be strace's -e trace= syntax without spaces, for example"
                            + " all or %file,%network,%process");
        }
    }

    /** Debian's strace tracing every call. */
    public static StraceCommand defaults() {
        return new StraceCommand(DEBIAN_STRACE, ALL);
    }

    /**
     * The command that attaches to {@code pids}.
     *
     * @throws IllegalArgumentException when {@code pids} is empty or holds a non-positive pid
     */
    public List<String> attachTo(Collection<Long> pids) {
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("strace needs at least one pid to attach to");
        }
        List<String> argv = new ArrayList<>();
        argv.add(executable.toString());
        argv.addAll(
                List.of(
                        "-f",
                        "-q",
                        "-ttt",
                        "-e",
                        "trace=" + traceSet,
                        "-e",
                        "signal=none",
                        "-e",
                        "raw=all",
                        "-o",
                        "/dev/stdout"));
        for (long pid : pids) {
            if (pid <= 0) {
                throw new IllegalArgumentException("not a pid: " + pid);
            }
            argv.add("-p");
            argv.add(Long.toString(pid));
        }
        return argv;
    }
}
