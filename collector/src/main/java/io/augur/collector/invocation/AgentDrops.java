package io.augur.collector.invocation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events agents report as dropped, summed per task. Agents send a cumulative count per JVM; a JVM
 * (pid + the random instance of its HELLO) that reconnects repeats counts already taken, so the
 * last count of each JVM is kept and only increases are added. The {@value #REMEMBERED} most
 * recently reporting JVMs are remembered; one forgotten and back would be counted again from zero.
 * Thread-safe.
 */
public final class AgentDrops {
    static final int REMEMBERED = 16_384;

    private record Jvm(long pid, long instance) {}

    private final Map<String, Long> byTask = new TreeMap<>();
    private final Map<Jvm, Long> lastCount =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Jvm, Long> eldest) {
                    return size() > REMEMBERED;
                }
            };

    /** Takes a JVM's cumulative count; a count below one already taken is ignored. */
    public synchronized void report(String taskId, long pid, long instance, long cumulative) {
        Jvm jvm = new Jvm(pid, instance);
        long last = lastCount.getOrDefault(jvm, 0L);
        if (cumulative > last) {
            byTask.merge(taskId, cumulative - last, Long::sum);
            lastCount.put(jvm, cumulative);
        }
    }

    /** Dropped events per task so far, sorted by task id. */
    public synchronized Map<String, Long> byTask() {
        return Map.copyOf(byTask);
    }
}
