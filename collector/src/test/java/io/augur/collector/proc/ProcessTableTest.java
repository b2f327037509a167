package io.augur.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessTable} on a directory tree shaped like {@code /proc}. */
class ProcessTableTest {
    static final String HOST_NS = "net:[4026531840]";
    static final String TASK_NS = "net:[4026532999]";
    static final String NET_DEV =
            """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:  900000    9000    0    0    0     0          0         0   900000    9000    0    0    0     0       0          0
              veth0:   1500      10    0    0    0     0          0         0    64000     50    0    0    0     0       0          0
              tun1:     500       5    0    0    0     0          0         0     1000      2    0    0    0     0       0          0
            """;

    @TempDir Path proc;
    ProcessTable table;

    @BeforeEach
    void setUp() throws IOException {
        table = new ProcessTable(proc);
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/net"), Path.of(HOST_NS));
    }

    /** A process directory; comm may hold spaces and parentheses, as the kernel allows. */
    void process(long pid, String comm, long utime, long stime, long start, String netns, int fds)
            throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        Files.createDirectories(dir.resolve("fd"));
        Files.createDirectories(dir.resolve("ns"));
        Files.createDirectories(dir.resolve("net"));
        StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S 1 " + pid + " " + pid);
        // Fields 7..13, then utime (14), stime (15), 16..21, starttime (22), more.
        stat.append(" 0 -1 4194560 100 0 0 0 ").append(utime).append(' ').append(stime);
        stat.append(" 0 0 20 0 1 0 ").append(start).append(" 1000 200 18446744073709551615\n");
        Files.writeString(dir.resolve("stat"), stat.toString());
        Files.writeString(
                dir.resolve("io"),
                "rchar: 4096\nwchar: 1024\nsyscr: 8\nsyscw: 2\nread_bytes: 0\nwrite_bytes: 0\n"
                        + "cancelled_write_bytes: 0\n");
        for (int i = 0; i < fds; i++) {
            Files.createSymbolicLink(dir.resolve("fd/" + i), Path.of("/dev/null"));
        }
        Files.createSymbolicLink(dir.resolve("ns/net"), Path.of(netns));
        Files.writeString(dir.resolve("net/dev"), NET_DEV);
    }

    @Test
    void readsAProcessWhoseNameHasSpacesAndParentheses() throws IOException {
        process(42, "evil) (name", 70, 30, 12345, HOST_NS, 3);

        ProcessReading p = table.read(42).orElseThrow();

        assertThat(p)
                .isEqualTo(
                        new ProcessReading(
                                42, 12345, "evil) (name", 100, 4096L, 1024L, 8L, 2L, 3L, HOST_NS));
        assertThat(table.readErrors()).isZero();
    }

    @Test
    void aTaskInTheNodesNamespaceHasNoNetworkCounters() throws IOException {
        process(42, "sh", 1, 1, 1, HOST_NS, 1);

        TaskProcesses task = table.readTask("t-1", List.of(42L));

        assertThat(task.processes()).hasSize(1);
        assertThat(task.net()).isNull();
    }

    @Test
    void aTaskInItsOwnNamespaceCountsEveryInterfaceButLoopback() throws IOException {
        process(42, "sh", 1, 1, 1, TASK_NS, 1);
        process(43, "sender", 1, 1, 2, TASK_NS, 1);
        process(44, "helper", 1, 1, 3, HOST_NS, 1);

        TaskProcesses task = table.readTask("t-1", List.of(42L, 43L, 44L));

        assertThat(task.net()).isEqualTo(new NetCounters(TASK_NS, 2000, 15, 65000, 52));
    }

    @Test
    void aProcessThatEndedIsLeftOutWholeAndIsNoError() throws IOException {
        process(42, "sh", 1, 1, 1, HOST_NS, 1);

        TaskProcesses task = table.readTask("t-1", List.of(41L, 42L));

        assertThat(task.processes()).extracting(ProcessReading::pid).containsExactly(42L);
        assertThat(table.readErrors()).isZero();
    }

    @Test
    void anUnreadableFileIsACountedErrorAndItsFieldUnknown() throws IOException {
        process(42, "sh", 1, 1, 1, HOST_NS, 1);
        Path io = proc.resolve("42/io");
        Files.delete(io);
        Files.createDirectory(io); // reading it fails like a file we may not read

        ProcessReading p = table.read(42).orElseThrow();

        assertThat(p.readChars()).isNull();
        assertThat(p.writeCalls()).isNull();
        assertThat(p.cpuTicks()).isEqualTo(2);
        assertThat(table.readErrors()).isEqualTo(1);
    }

    @Test
    void aGarbledStatIsACountedErrorNotACrash() throws IOException {
        process(42, "sh", 1, 1, 1, HOST_NS, 1);
        Files.writeString(proc.resolve("42/stat"), "42 (sh) S");

        assertThat(table.read(42)).isEmpty();
        assertThat(table.readErrors()).isEqualTo(1);
    }

    @Test
    void clockTicksComeFromTheKernel() {
        assertThat(ProcessTable.clockTicksPerSecond()).isPositive();
    }
}
