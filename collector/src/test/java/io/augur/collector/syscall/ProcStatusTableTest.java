package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatusTableTest {
    @TempDir Path proc;

    /** The fields of a real /proc/PID/status around the two read (a thread of a traced process). */
    static final String THREAD_STATUS =
            "Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t31691\nNgid:\t0\n"
                    + "Pid:\t31693\nPPid:\t31688\nTracerPid:\t31690\nUid:\t0\t0\t0\t0\n";

    void status(long id, String content) throws IOException {
        Files.createDirectories(proc.resolve(Long.toString(id)));
        Files.writeString(proc.resolve(Long.toString(id)).resolve("status"), content);
    }

    @Test
    void readsTheProcessAndTheTracerOfAThread() throws IOException {
        status(31693, THREAD_STATUS);
        ProcStatusTable table = new ProcStatusTable(proc);

        assertThat(table.processOf(31693)).hasValue(31691);
        assertThat(table.tracerOf(31693)).hasValue(31690);
    }

    @Test
    void aProcessThatIsGoneIsEmptyNotAnError() {
        ProcStatusTable table = new ProcStatusTable(proc);

        assertThat(table.processOf(5)).isEmpty();
        assertThat(table.tracerOf(5)).isEmpty();
    }

    @Test
    void anUnreadableOrGarbledStatusIsAnError() throws IOException {
        // A directory where the file should be: unreadable even for root.
        Files.createDirectories(proc.resolve("6").resolve("status"));
        status(7, "Name:\tx\nTgid:\tlots\n");
        ProcStatusTable table = new ProcStatusTable(proc);

        assertThatThrownBy(() -> table.tracerOf(6)).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> table.processOf(7))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Tgid:");
    }

    @Test
    void findsAFieldOnlyAtTheStartOfALine() {
        assertThat(ProcStatusTable.statusField("Tgid:\t12\n", "Tgid:"))
                .isEqualTo(OptionalLong.of(12));
        assertThat(ProcStatusTable.statusField("Name:\tTgid:\nTgid:  9", "Tgid:"))
                .isEqualTo(OptionalLong.of(9));
        assertThat(ProcStatusTable.statusField("XTgid:\t12\n", "Tgid:")).isEmpty();
        assertThat(ProcStatusTable.statusField("Tgid:\t12 13\n", "Tgid:")).isEmpty();
        assertThat(ProcStatusTable.statusField("Tgid:\t9999999999999999999\n", "Tgid:")).isEmpty();
        assertThat(ProcStatusTable.statusField("Tgid:\t99999999999999999999999\n", "Tgid:"))
                .isEmpty();
    }
}
