package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.collector.syscall.StraceLine.Call;
import io.augur.collector.syscall.StraceLine.Exit;
import io.augur.collector.syscall.StraceLine.Ignored;
import io.augur.collector.syscall.StraceLine.Malformed;
import io.augur.collector.syscall.StraceLine.Reason;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StraceParserTest {

    static List<StraceLine> parse(String sample) {
        return StraceSamples.lines(sample).stream().map(StraceParser::parse).toList();
    }

    static List<Call> calls(List<StraceLine> lines) {
        return lines.stream().filter(Call.class::isInstance).map(Call.class::cast).toList();
    }

    static List<String> namesOf(List<Call> calls, long tid) {
        return calls.stream().filter(c -> c.tid() == tid).map(Call::name).toList();
    }

    static Map<String, Long> kinds(List<StraceLine> lines) {
        return lines.stream()
                .collect(
                        Collectors.groupingBy(
                                l ->
                                        l instanceof Ignored i
                                                ? i.reason().name()
                                                : l.getClass().getSimpleName(),
                                Collectors.counting()));
    }

    @Test
    void readsForksExitsKillsAndSignals() {
        List<StraceLine> lines = parse("forks.strace");

        // Counted with awk from the raw file: 197 call starts, 5 resumptions, 3 exits, 2 signals.
        assertThat(kinds(lines))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("Call", 197L, "RESUMED", 5L, "Exit", 3L, "SIGNAL", 2L));
        List<Call> calls = calls(lines);
        assertThat(calls.get(0)).isEqualTo(new Call(31574, 1795268479941002L, "execve"));
        // The vforked child execs cat, which opens, reads, writes and closes, then exits.
        assertThat(namesOf(calls, 31576))
                .startsWith("rt_sigprocmask", "execve")
                .containsSubsequence("execve", "openat", "fadvise64", "read", "write", "read")
                .endsWith("munmap", "close", "close", "close", "exit_group");
        // The killed child made one call, interrupted in the output and never resumed.
        assertThat(namesOf(calls, 31575)).containsExactly("set_robust_list");
        assertThat(lines).contains(new Exit(31575), new Exit(31576), new Exit(31574));
        // The shell: the child it forked, the kill, the vfork of cat, the wait.
        assertThat(namesOf(calls, 31574)).containsSubsequence("clone", "kill", "vfork", "wait4");
    }

    @Test
    void countsAnInterruptedCallOnceAtItsStart() {
        List<Call> calls = calls(parse("forks.strace"));
        // "31574 ... vfork( <unfinished ...>" then "31574 ... <... vfork resumed>) = 0x7b58".
        assertThat(calls).filteredOn(c -> c.name().equals("vfork")).hasSize(1);
        assertThat(calls)
                .filteredOn(c -> c.name().equals("vfork"))
                .first()
                .extracting(Call::epochMicros)
                .isEqualTo(1795268479949203L);
    }

    @Test
    void keepsThreadsApartByTheirIds() {
        List<StraceLine> lines = parse("threads.strace");
        List<Call> calls = calls(lines);

        assertThat(kinds(lines))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("Call", 66L, "RESUMED", 20L, "Exit", 3L));
        assertThat(namesOf(calls, 31693))
                .containsExactly(
                        "rseq",
                        "set_robust_list",
                        "rt_sigprocmask",
                        "openat",
                        "read",
                        "close",
                        "rt_sigprocmask",
                        "madvise",
                        "exit");
        assertThat(namesOf(calls, 31692)).containsSubsequence("openat", "read", "close", "exit");
        assertThat(namesOf(calls, 31691))
                .containsSubsequence("clone3", "clone3", "futex", "getppid", "exit_group");
    }

    @Test
    void linesWithoutAPidPrefixHaveNoThread() {
        List<StraceLine> lines = parse("single.strace");
        List<Call> calls = calls(lines);

        assertThat(calls).hasSize(119).allMatch(c -> c.tid() == StraceLine.NO_TID);
        assertThat(calls.get(0))
                .isEqualTo(new Call(StraceLine.NO_TID, 1795268487908144L, "execve"));
        assertThat(calls.get(calls.size() - 1).name()).isEqualTo("exit_group");
        assertThat(lines.get(lines.size() - 1)).isEqualTo(new Exit(StraceLine.NO_TID));
    }

    @Test
    void readsRestartedAndDetachedCalls() {
        List<StraceLine> lines = parse("attached.strace");

        assertThat(lines.get(0)).isEqualTo(new Call(31734, 1795268487094057L, "restart_syscall"));
        // The call in progress when strace detached ends with "<detached ...>": still one call.
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo(new Call(31751, 1795268487820333L, "clock_nanosleep"));
        assertThat(lines).noneMatch(Malformed.class::isInstance);
    }

    @Test
    void readsTheCollectorsOwnFlags() {
        List<StraceLine> lines = parse("production.strace");
        List<Call> calls = calls(lines);

        assertThat(lines).noneMatch(Malformed.class::isInstance);
        assertThat(calls).hasSize(266);
        assertThat(namesOf(calls, 32394)).containsSubsequence("execve", "mkdir", "exit_group");
        assertThat(namesOf(calls, 32395)).containsSubsequence("execve", "rmdir", "exit_group");
        assertThat(namesOf(calls, 32378)).containsSubsequence("vfork", "wait4", "vfork", "wait4");
    }

    @Test
    void readsEveryPrefixStyleAndTimestampPrecision() {
        assertThat(StraceParser.parse("[pid  4242] 1700000000.123456 read(3, \"\", 8) = 0"))
                .isEqualTo(new Call(4242, 1700000000123456L, "read"));
        assertThat(StraceParser.parse("77    1700000000.5 getpid() = 77"))
                .isEqualTo(new Call(77, 1700000000500000L, "getpid"));
        assertThat(StraceParser.parse("77 1700000000.123456789 getpid() = 77"))
                .isEqualTo(new Call(77, 1700000000123456L, "getpid"));
        assertThat(
                        StraceParser.parse(
                                "9 1.000001 syscall_0x1c8(0, 0) = -1 ENOSYS (Function not"
                                        + " implemented)"))
                .isEqualTo(new Call(9, 1_000_001L, "syscall_0x1c8"));
        assertThat(
                        StraceParser.parse(
                                "9 1.000001 restart_syscall(<... resuming interrupted read"
                                        + " ...>) = 0"))
                .isEqualTo(new Call(9, 1_000_001L, "restart_syscall"));
        assertThat(StraceParser.parse("9 1.000001 +++ superseded by execve in pid 8 +++"))
                .isEqualTo(new Exit(9));
        assertThat(StraceParser.parse("9 1.000001 [ Process PID=9 runs in 32 bit mode. ]"))
                .isEqualTo(new Ignored(Reason.NOTICE));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "strace: Process 31725 attached",
                "hello world",
                "31574 execve(0x7ffed5637a70, 0x7ffed5638f20, 0x7ffed5638f40) = 0",
                "31574 1795268479.941002",
                "31574 1795268479.941002 ",
                "31574 1795268479. brk(0) = 0x1",
                "31574 .941002 brk(0) = 0x1",
                "31574 1795268479.941002 (0) = 0x1",
                "31574 1795268479.941002 9brk(0) = 0x1",
                "31574 1795268479.941002 brk(0",
                "31574 1795268479.941002 brk(0)",
                "31574 1795268479.941002 brk(0) =",
                "31574 1795268479.941002 <unfinished ...>",
                "31574 1795268479.941002 <... brk",
                "31574 1795268479.941002 +++ exited with 0",
                "31574 1795268479.941002 +++ frobnicated +++",
                "31574 1795268479.941002 --- SIGCHLD {si_signo=SIGCHLD",
                "[pid 31574 1795268479.941002 brk(0) = 0x1",
                "[pid ] 1795268479.941002 brk(0) = 0x1",
                "99999999999999999999999 1795268479.941002 brk(0) = 0x1",
                "31574 99999999999999999999.941002 brk(0) = 0x1",
                "\u0000\u0001\u00ff binary \uffff",
            })
    void garbageIsMalformedNeverThrown(String line) {
        assertThat(StraceParser.parse(line)).isInstanceOf(Malformed.class);
    }

    @Test
    void aTornLineIsNeverHalfACall() {
        // Every prefix of every real line, as strace killed mid-write would leave it: either
        // malformed, or the very call of the whole line (cut after its end marker began).
        for (String sample : List.of("forks.strace", "threads.strace", "production.strace")) {
            for (String line : StraceSamples.lines(sample)) {
                StraceLine whole = StraceParser.parse(line);
                for (int cut = 0; cut < line.length(); cut++) {
                    StraceLine torn = StraceParser.parse(line.substring(0, cut));
                    if (torn instanceof Call) {
                        assertThat(torn).as("%s cut at %d", line, cut).isEqualTo(whole);
                    }
                }
            }
        }
    }

    @Test
    void readsAttachFailuresFromStraceStandardError() {
        List<StraceParser.AttachFailure> failures =
                StraceSamples.lines("attach-errors.err").stream()
                        .map(StraceParser::attachFailure)
                        .flatMap(java.util.Optional::stream)
                        .toList();

        assertThat(failures)
                .containsExactly(
                        new StraceParser.AttachFailure(31460, "Operation not permitted"),
                        new StraceParser.AttachFailure(999999, "No such process"),
                        new StraceParser.AttachFailure(999999, "No such process"));
        assertThat(StraceParser.attachFailure(null)).isEmpty();
        assertThat(StraceParser.attachFailure("strace: attach: ptrace(PTRACE_SEIZE, x): y"))
                .isEmpty();
    }
}
