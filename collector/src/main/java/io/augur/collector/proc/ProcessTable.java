package io.augur.collector.proc;

import io.augur.cgroup.KernelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a task's processes from {@code /proc}: CPU ticks, {@code /proc/PID/io} character counts,
 * open descriptors, and the traffic of the task's own network namespace. A process that ends while
 * it is read is left out whole (not an error); a file that exists but cannot be read is a counted
 * error and its field is null. Thread-safe.
 */
public final class ProcessTable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTable.class);

    private final Path proc;
    private final AtomicLong readErrors = new AtomicLong();
    private volatile String hostNetns;

    /**
     * @param proc where procfs is mounted ({@code /proc}; a directory tree of the same shape in
     *     tests)
     */
    public ProcessTable(Path proc) {
        this.proc = proc;
    }

    /** The node's {@code /proc}. */
    public static ProcessTable system() {
        return new ProcessTable(Path.of("/proc"));
    }

    /**
     * The kernel's clock ticks per second, in which {@code /proc/PID/stat} counts CPU time ({@code
     * getconf CLK_TCK}); 100 (Linux's USER_HZ on every common architecture) when it cannot be
     * asked.
     */
    public static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() == 0) {
                return Long.parseLong(out);
            }
            LOG.warn("getconf CLK_TCK said '{}'; assuming 100 ticks per second", out);
        } catch (IOException | NumberFormatException e) {
            LOG.warn(
                    "cannot run getconf CLK_TCK ({}); assuming 100 ticks per second", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** Files that existed but could not be read or parsed, since start. */
    public long readErrors() {
        return readErrors.get();
    }

    /**
     * The node's network namespace: the one this process (the collector) runs in. The collector
     * must run in the node's namespace, or every task in that one would be taken for isolated.
     */
    public String hostNetns() {
        String ns = hostNetns;
        if (ns == null) {
            ns = link(proc.resolve("self/ns/net")).orElse("");
            hostNetns = ns;
        }
        return ns;
    }

    /** The given processes of one task, and its own namespace's counters when it has one. */
    public TaskProcesses readTask(List<Long> pids) {
        List<ProcessReading> processes = new ArrayList<>(pids.size());
        for (long pid : pids) {
            read(pid).ifPresent(processes::add);
        }
        return new TaskProcesses(processes, net(processes));
    }

    /** One process; empty when it is gone (or its stat could not be read). */
    public Optional<ProcessReading> read(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        try {
            String stat = KernelFiles.read(dir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            // comm may hold spaces and parentheses: the fields start after the last ')'.
            String[] fields = stat.substring(close + 2).trim().split("\\s+");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            long start = Long.parseLong(fields[19]);
            String command = stat.substring(stat.indexOf('(') + 1, close);
            Map<String, Long> io = keyed(dir.resolve("io"));
            Long fds = countFds(dir.resolve("fd"));
            String netns = link(dir.resolve("ns/net")).orElse(null);
            if (!Files.isDirectory(dir)) {
                return Optional.empty(); // ended while read: no half reading
            }
            return Optional.of(
                    new ProcessReading(
                            pid,
                            start,
                            command,
                            utime + stime,
                            io.get("rchar"),
                            io.get("wchar"),
                            io.get("syscr"),
                            io.get("syscw"),
                            fds,
                            netns));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            error("stat of " + pid, e);
            return Optional.empty();
        }
    }

    /**
     * The counters of the namespace most of the task's processes run in, if that is not the node's;
     * null when they all share the node's namespace.
     */
    private NetCounters net(List<ProcessReading> processes) {
        String host = hostNetns();
        Map<String, List<Long>> byNs = new HashMap<>();
        for (ProcessReading p : processes) {
            if (p.netns() != null && !p.netns().equals(host)) {
                byNs.computeIfAbsent(p.netns(), k -> new ArrayList<>()).add(p.pid());
            }
        }
        Optional<Map.Entry<String, List<Long>>> own =
                byNs.entrySet().stream()
                        .max(
                                Comparator.<Map.Entry<String, List<Long>>>comparingInt(
                                                e -> e.getValue().size())
                                        .thenComparing(Map.Entry::getKey));
        if (own.isEmpty()) {
            return null;
        }
        for (long pid : own.get().getValue()) {
            try {
                return NetDev.parse(
                        own.get().getKey(), Files.readString(proc.resolve(pid + "/net/dev")));
            } catch (NoSuchFileException e) {
                // That process ended: ask another one of the namespace.
            } catch (IOException | RuntimeException e) {
                error("net/dev of " + pid, e);
                return null;
            }
        }
        return null;
    }

    private Map<String, Long> keyed(Path file) throws NoSuchFileException {
        Map<String, Long> values = new HashMap<>();
        try {
            for (String line : KernelFiles.read(file).split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    values.put(
                            line.substring(0, colon).trim(),
                            Long.parseLong(line.substring(colon + 1).trim()));
                }
            }
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            error(file.toString(), e);
            values.clear();
        }
        return values;
    }

    private Long countFds(Path fdDir) throws NoSuchFileException {
        try (Stream<Path> fds = Files.list(fdDir)) {
            return fds.count();
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            error(fdDir.toString(), e);
            return null;
        }
    }

    private Optional<String> link(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            error(link.toString(), e);
            return Optional.empty();
        }
    }

    private void error(String what, Exception e) {
        if (readErrors.getAndIncrement() == 0) {
            LOG.warn("cannot read {} ({}); further errors are only counted", what, e.toString());
        } else {
            LOG.debug("cannot read {}: {}", what, e.toString());
        }
    }
}
