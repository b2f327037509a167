/**
 * System-call sequences of native tasks, captured with strace (Debian's package, ptrace based).
 *
 * <h2>Mechanism</h2>
 *
 * {@link io.augur.collector.syscall.SyscallCapture#sync} runs once per sampling round with every
 * task group and its processes ({@code TaskCgroup.pids()}). For each task the {@link
 * io.augur.collector.syscall.SyscallSelection} selects ({@code --trace-syscalls none | all |
 * role:R,task:T}), a {@link io.augur.collector.syscall.SyscallTracer} starts
 *
 * <pre>
 * strace -f -q -ttt -e trace=all -e signal=none -e raw=all -o /dev/stdout -p PID -p PID ...
 * </pre>
 *
 * ({@link io.augur.collector.syscall.StraceCommand}) attached to the group's processes: {@code -f}
 * follows forks, vforks, clones and every thread of each process, {@code -e raw=all} keeps strace
 * from reading strings and structures out of the task's memory (arguments are not kept), the trace
 * goes to a pipe and strace's diagnostics to another. A reader thread per strace process parses
 * each line ({@link io.augur.collector.syscall.StraceParser}, pure) into {@code Invocation(taskId,
 * pid = the thread's process (Tgid from /proc/TID/status, cached per thread until strace reports
 * its exit), thread = the thread id, SYSCALL, the call's name, argsDigest = null, the entry time in
 * epoch milliseconds)}. A call interrupted in the output ({@code <unfinished ...>} ... {@code <...
 * resumed>}) counts once, at its start; so does a call in progress when strace attached ({@code
 * restart_syscall}) or detached ({@code <detached ...>}). Lines torn or not strace's are counted
 * parse errors, never half a call.
 *
 * <p>Processes that join a group later without being forked by a traced process (moved in by the
 * launcher, or forked by a child that was not yet traced) are found by the next {@code sync}:
 * {@code TracerPid} in {@code /proc/PID/status} tells a process one of the task's stracers follows
 * (nothing to do) from an untraced one (a further strace attaches to it; restarting the first one
 * would lose calls and stop every process once more) and from one a foreign tracer holds (a counted
 * attach error). A tracer ends by itself when its processes have exited; a task that vanishes, or
 * that the selection no longer selects, is detached: SIGTERM makes strace detach from every process
 * (they run on, not stopped), SIGKILL after {@link
 * io.augur.collector.syscall.SyscallCaptureConfig#detachTimeout}.
 *
 * <p>Readers hand calls to a bounded queue ({@link
 * io.augur.collector.syscall.SyscallCaptureConfig#queueCapacity}, default 64 Ki) that one thread,
 * {@code syscall-delivery}, drains into the {@link io.augur.collector.invocation.InvocationSink} in
 * batches of up to 4 Ki calls, at the latest 100 ms after a batch's first call. A full queue drops
 * and counts: a reader that waited would stop draining strace's pipe, strace would block on its
 * write, and every traced process would block at its next call.
 *
 * <h2>Overhead (measured, stated as measured)</h2>
 *
 * {@code StraceOverhead} ({@code ./augur bench collector}) on this development machine: 2 cores
 * shared with other builds, load average 4.4 to 4.8 during the run, 7 runs per mode alternating,
 * median wall time:
 *
 * <table>
 *   <caption>slowdown of the traced workload, median of 7 runs</caption>
 *   <tr><th>workload</th><th>untraced</th><th>strace to /dev/null</th>
 *       <th>capture, trace=all</th><th>capture, %file,%network,%process</th></tr>
 *   <tr><td>dd bs=1, 50 000 bytes (100 k read+write)</td><td>0.084 s</td><td>3.3 s (x39)</td>
 *       <td>6.5 s (x78)</td><td>2.3 s (x27)</td></tr>
 *   <tr><td>find /usr/share -maxdepth 3 (29 k calls)</td><td>0.067 s</td><td>1.1 s (x16)</td>
 *       <td>1.6 s (x24)</td><td>0.9 s (x13.5)</td></tr>
 *   <tr><td>300 fork+exec of cat (40 k calls)</td><td>0.38 s</td><td>2.3 s (x6)</td>
 *       <td>3.2 s (x8.6)</td><td>2.3 s (x6)</td></tr>
 * </table>
 *
 * That is 30 to 80 microseconds per call on this loaded machine; individual runs varied by up to a
 * factor of two. No call was dropped. Reading the pipe at all costs about as much as strace itself
 * (strace piped into {@code cat} took 3.6 to 4.1 s where strace to /dev/null took 2.3 to 2.9 s on
 * the dd workload), and a Java reader doing nothing but {@code readLine} took 2.7 to 5.2 s. The
 * default trace set is {@code all}: the reduced set saves only strace's output, not its stops
 * (ptrace stops each thread at the entry and the exit of every call whatever {@code -e trace} says,
 * since strace refuses {@code --seccomp-bpf} for attached processes), and it removes the
 * read/write/mmap patterns the behaviour models learn from. Capture is meant for the tasks one
 * chooses to watch closely, which is why the selection defaults to {@code none}.
 *
 * <h2>Limits</h2>
 *
 * <ul>
 *   <li>ptrace allows one tracer per process: a task already under a debugger (or tracing its own
 *       children) cannot be traced (a counted attach error), and a traced task cannot use ptrace
 *       itself. An untrusted task can see that it is traced ({@code TracerPid}) and behave
 *       differently.
 *   <li>Attaching races with forks: a child forked by a process before strace attached to it, and a
 *       process moved in between two rounds, are traced only from the next {@code sync} on; a
 *       process that exits before then is never seen.
 *   <li>If the pipe fills (64 KiB, about a thousand lines) because the collector is paused (for
 *       example a long GC), strace blocks on its write and the task stops until the reader catches
 *       up.
 *   <li>strace runs in the collector's cgroup: its CPU time is not charged to the traced task. If
 *       the collector dies, strace's next write fails (broken pipe), strace exits and the kernel
 *       detaches the processes, which run on.
 *   <li>Alternatives not available here: no bpftrace or bcc is installed (the kernel has BTF and
 *       {@code CONFIG_BPF_SYSCALL}); an eBPF program on the {@code raw_syscalls} tracepoints
 *       filtered by cgroup would not stop the task and would see processes moved in at once, and is
 *       the better mechanism where it can be deployed. {@code perf trace} (perf 6.1) is installed
 *       but in a rough check slowed a 500 000-byte dd 60 to 70 times and lost events. seccomp-bpf
 *       filters must be installed by the task itself before exec (a launcher change: {@code strace
 *       --seccomp-bpf} works only for processes strace starts), so they cannot be attached to a
 *       running task.
 * </ul>
 */
package io.augur.collector.syscall;
