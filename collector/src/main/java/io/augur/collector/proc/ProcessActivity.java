package io.augur.collector.proc;

import io.augur.schema.ProcessUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a task's processes did between two readings. Pure.
 *
 * <p>Per-process counters die with their process, so the task's figures are sums over the processes
 * alive at the end of the interval: a process seen in both readings contributes its growth; one
 * that is new (started, or moved into the task, during the interval) contributes everything it has
 * counted; one that ended during the interval is missing (its last moments are not counted). A
 * counter that shrank (it cannot, for one process) makes that process's contribution unknown.
 *
 * @param readChars bytes read through read-like calls ({@code rchar}), null when no process's
 *     counter could be read
 * @param writeChars bytes written ({@code wchar})
 * @param readCalls read-like calls ({@code syscr})
 * @param writeCalls write-like calls ({@code syscw})
 * @param openFds descriptors open at the end, null when none could be counted
 * @param netRxBytes bytes received in the task's own namespace; null without one, or when the
 *     namespace changed between the readings
 * @param netRxPackets packets received
 * @param netTxBytes bytes sent
 * @param netTxPackets packets sent
 * @param busiest the busiest processes, by CPU, then characters moved, then pid
 */
public record ProcessActivity(
        Long readChars,
        Long writeChars,
        Long readCalls,
        Long writeCalls,
        Long openFds,
        Long netRxBytes,
        Long netRxPackets,
        Long netTxBytes,
        Long netTxPackets,
        List<ProcessUsage> busiest) {

    /**
     * @param before the earlier reading
     * @param after the later reading
     * @param elapsedNanos time between them, positive
     * @param ticksPerSecond the kernel's clock ticks per second ({@code getconf CLK_TCK})
     * @param limit how many processes {@link #busiest} lists at most
     */
    public static ProcessActivity between(
            TaskProcesses before,
            TaskProcesses after,
            long elapsedNanos,
            long ticksPerSecond,
            int limit) {
        Map<ProcessReading.Key, ProcessReading> earlier = new HashMap<>();
        for (ProcessReading p : before.processes()) {
            earlier.put(p.key(), p);
        }
        Sum readChars = new Sum();
        Sum writeChars = new Sum();
        Sum readCalls = new Sum();
        Sum writeCalls = new Sum();
        Sum fds = new Sum();
        List<ProcessUsage> usages = new ArrayList<>();
        double seconds = elapsedNanos / 1e9;
        for (ProcessReading now : after.processes()) {
            ProcessReading then = earlier.get(now.key());
            Long read = growth(then, now, ProcessReading::readChars);
            Long written = growth(then, now, ProcessReading::writeChars);
            Long ticks = growth(then, now, p -> p.cpuTicks());
            readChars.add(read);
            writeChars.add(written);
            readCalls.add(growth(then, now, ProcessReading::readCalls));
            writeCalls.add(growth(then, now, ProcessReading::writeCalls));
            fds.add(now.openFds());
            usages.add(
                    ProcessUsage.newBuilder()
                            .setPid(now.pid())
                            .setCommand(now.command())
                            .setCpuCores(
                                    ticks == null
                                            ? null
                                            : ticks / (double) ticksPerSecond / seconds)
                            .setIoReadChars(read)
                            .setIoWriteChars(written)
                            .setOpenFds(now.openFds())
                            .build());
        }
        usages.sort(BUSIEST);
        NetCounters from = before.net();
        NetCounters to = after.net();
        boolean net = from != null && to != null && from.netns().equals(to.netns());
        return new ProcessActivity(
                readChars.value(),
                writeChars.value(),
                readCalls.value(),
                writeCalls.value(),
                fds.value(),
                net ? grown(from.rxBytes(), to.rxBytes()) : null,
                net ? grown(from.rxPackets(), to.rxPackets()) : null,
                net ? grown(from.txBytes(), to.txBytes()) : null,
                net ? grown(from.txPackets(), to.txPackets()) : null,
                List.copyOf(usages.subList(0, Math.min(limit, usages.size()))));
    }

    private static final Comparator<ProcessUsage> BUSIEST =
            Comparator.comparingDouble(
                            (ProcessUsage u) -> u.getCpuCores() == null ? 0 : u.getCpuCores())
                    .thenComparingLong(
                            u -> orZero(u.getIoReadChars()) + orZero(u.getIoWriteChars()))
                    .reversed()
                    .thenComparingLong(ProcessUsage::getPid);

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /** A new process counts whole; a known one its growth. */
    private static Long growth(
            ProcessReading then, ProcessReading now, Function<ProcessReading, Long> counter) {
        Long after = counter.apply(now);
        if (after == null) {
            return null;
        }
        if (then == null) {
            return after;
        }
        Long before = counter.apply(then);
        return before == null ? null : grown(before, after);
    }

    private static Long grown(long before, long after) {
        return after < before ? null : after - before;
    }

    /** A sum of the known values; null when none was known. */
    private static final class Sum {
        private long total;
        private boolean known;

        void add(Long value) {
            if (value != null) {
                total += value;
                known = true;
            }
        }

        Long value() {
            return known ? total : null;
        }
    }
}
