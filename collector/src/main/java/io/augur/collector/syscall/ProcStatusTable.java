package io.augur.collector.syscall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * {@link ProcStatus} on a proc file system: the {@code Tgid:} and {@code TracerPid:} lines of
 * {@code ROOT/ID/status}. A thread's directory is there even though {@code /proc} does not list it.
 */
public final class ProcStatusTable implements ProcStatus {
    private final Path procRoot;

    public ProcStatusTable(Path procRoot) {
        this.procRoot = procRoot;
    }

    @Override
    public OptionalLong processOf(long tid) {
        return field(tid, "Tgid:");
    }

    @Override
    public OptionalLong tracerOf(long pid) {
        return field(pid, "TracerPid:");
    }

    private OptionalLong field(long id, String name) {
        String status;
        try {
            status =
                    new String(
                            Files.readAllBytes(
                                    procRoot.resolve(Long.toString(id)).resolve("status")),
                            StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            // A process that exits while its status is read fails the read with ESRCH.
            if (!Files.isDirectory(procRoot.resolve(Long.toString(id)))) {
                return OptionalLong.empty();
            }
            throw new UncheckedIOException("cannot read the status of " + id, e);
        }
        OptionalLong value = statusField(status, name);
        if (value.isEmpty()) {
            throw new UncheckedIOException(
                    new IOException("no " + name + " number in the status of " + id));
        }
        return value;
    }

    /** The number after {@code name} on its line of a status file; empty when absent or bad. */
    static OptionalLong statusField(String status, String name) {
        int i;
        if (status.startsWith(name)) {
            i = name.length();
        } else {
            int at = status.indexOf('\n' + name);
            if (at < 0) {
                return OptionalLong.empty();
            }
            i = at + 1 + name.length();
        }
        while (i < status.length() && (status.charAt(i) == ' ' || status.charAt(i) == '\t')) {
            i++;
        }
        int start = i;
        while (i < status.length()
                && status.charAt(i) >= '0'
                && status.charAt(i) <= '9'
                && i - start < 18) {
            i++;
        }
        if (i == start || (i < status.length() && status.charAt(i) != '\n')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(status, start, i, 10));
    }
}
