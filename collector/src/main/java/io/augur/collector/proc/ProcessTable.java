package io.augur.collector.proc;

import io.augur.cgroup.HeldFiles;
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
 * error and its field is null.
 *
 * <p>On the node's {@code /proc} ({@link #system()}) the sampler's cost is kept down: each
 * process's {@code stat} and {@code io} and each namespace's {@code net/dev} stay open between
 * rounds ({@link HeldFiles}: one positional read each, no path walk, open or close); open
 * descriptors are counted from the size the kernel reports for {@code /proc/PID/fd} (Linux 6.2 and
 * later; older kernels list the directory); and a process's network namespace is looked up again
 * only every {@value #NETNS_RECHECK} readings (a process that changes namespace has its traffic
 * counted in the new one from then on). Called from one sampling thread; {@link #readErrors()} from
 * any.
 */
public final class ProcessTable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTable.class);

    /** Readings of a process between two look-ups of its network namespace. */
    static final int NETNS_RECHECK = 10;

    private final Path proc;
    private final HeldFiles held;
    private final boolean fdCountInSize;
    private final AtomicLong readErrors = new AtomicLong();
    private final Map<String, List<Long>> pidsByTask = new HashMap<>();
    private final Map<Long, Known> known = new HashMap<>();
    private volatile String hostNetns;

    /** What is kept of a process between readings. */
    private static final class Known {
        long start = -1;
        String netns;
        int readingsSinceNetns;
    }

    /**
     * @param proc where procfs is mounted ({@code /proc}; a directory tree of the same shape in
     *     tests, where every read opens its file and descriptors are listed)
     */
    public ProcessTable(Path proc) {
        this(proc, null, false);
    }

    private ProcessTable(Path proc, HeldFiles held, boolean fdCountInSize) {
        this.proc = proc;
        this.held = held;
        this.fdCountInSize = fdCountInSize;
    }

    /**
     * The node's {@code /proc}, keeping at most {@code heldFiles} of its files open between reads;
     * 0 reads it as a directory tree (every file opened per read, descriptors listed).
     */
    public static ProcessTable system(int heldFiles) {
        Path proc = Path.of("/proc");
        if (heldFiles == 0) {
            return new ProcessTable(proc);
        }
        return new ProcessTable(proc, new HeldFiles(heldFiles), fdCountInSize(proc));
    }

    /** The node's {@code /proc}, holding {@link HeldFiles#defaultCapacity()} files at most. */
    public static ProcessTable system() {
        return system(HeldFiles.defaultCapacity());
    }

    /**
     * Whether this kernel reports a process's open descriptors as the size of {@code /proc/PID/fd}
     * (Linux 6.2+); this JVM always has some open, so 0 means it does not.
     */
    static boolean fdCountInSize(Path proc) {
        try {
            return Files.size(proc.resolve("self/fd")) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Files kept open now (0 on a directory tree). */
    public int heldFiles() {
        return held == null ? 0 : held.size();
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

    /**
     * The given processes of one task, and its own namespace's counters when it has one. What is
     * kept of the task's processes that are no longer listed is released.
     */
    public TaskProcesses readTask(String taskId, List<Long> pids) {
        List<Long> before = pidsByTask.put(taskId, List.copyOf(pids));
        if (before != null) {
            java.util.Set<Long> now = new java.util.HashSet<>(pids);
            for (long pid : before) {
                if (!now.contains(pid)) {
                    forgetProcess(pid);
                }
            }
        }
        List<ProcessReading> processes = new ArrayList<>(pids.size());
        for (long pid : pids) {
            read(pid).ifPresent(processes::add);
        }
        return new TaskProcesses(processes, net(processes));
    }

    /** Releases what is kept of a task that is gone (its processes' open files). */
    public void forgetTask(String taskId) {
        List<Long> pids = pidsByTask.remove(taskId);
        if (pids != null) {
            pids.forEach(this::forgetProcess);
        }
    }

    private void forgetProcess(long pid) {
        known.remove(pid);
        if (held != null) {
            held.releaseUnder(proc.resolve(Long.toString(pid)));
        }
    }

    /** One process; empty when it is gone (or its stat could not be read). */
    public Optional<ProcessReading> read(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        try {
            String stat = text(dir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            // comm may hold spaces and parentheses: the fields start after the last ')'.
            String[] fields = stat.substring(close + 2).trim().split("\\s+");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            long start = Long.parseLong(fields[19]);
            String command = stat.substring(stat.indexOf('(') + 1, close);
            Map<String, Long> io = keyed(dir.resolve("io"));
            Long fds = countFds(dir.resolve("fd"));
            String netns = netns(pid, start, dir);
            if (held == null && !Files.isDirectory(dir)) {
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
                return NetDev.parse(own.get().getKey(), text(proc.resolve(pid + "/net/dev")));
            } catch (NoSuchFileException e) {
                // That process ended: ask another one of the namespace.
            } catch (IOException | RuntimeException e) {
                error("net/dev of " + pid, e);
                return null;
            }
        }
        return null;
    }

    /**
     * A process's network namespace: looked up on its first reading and then every {@value
     * #NETNS_RECHECK} readings (a process kept open with its {@code stat} file is the same process
     * as long as its start time is).
     */
    private String netns(long pid, long start, Path dir) throws NoSuchFileException {
        if (held == null) {
            return link(dir.resolve("ns/net")).orElse(null);
        }
        Known k = known.computeIfAbsent(pid, p -> new Known());
        if (k.start != start || k.netns == null || ++k.readingsSinceNetns >= NETNS_RECHECK) {
            Optional<String> ns = link(dir.resolve("ns/net"));
            if (ns.isEmpty()) {
                known.remove(pid);
                throw new NoSuchFileException(dir.resolve("ns/net").toString());
            }
            k.start = start;
            k.netns = ns.get();
            k.readingsSinceNetns = 0;
        }
        return k.netns;
    }

    /** A file's content: kept open on the node's {@code /proc}, opened per read elsewhere. */
    private String text(Path file) throws IOException {
        return held == null ? KernelFiles.read(file) : held.read(file);
    }

    private Map<String, Long> keyed(Path file) throws NoSuchFileException {
        Map<String, Long> values = new HashMap<>();
        try {
            for (String line : text(file).split("\n")) {
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
        if (fdCountInSize) {
            try {
                return Files.size(fdDir);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                error(fdDir.toString(), e);
                return null;
            }
        }
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
