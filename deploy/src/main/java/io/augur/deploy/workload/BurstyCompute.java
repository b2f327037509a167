package io.augur.deploy.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Benign workload: short bursts of computation separated by idle time, with a small, stable heap.
 * Each burst runs until its thread has used {@code busyMillis} of CPU time, so its demand (about
 * busy / period cores, 0.15 by default) is the same whatever its CPU limit or JIT state: a
 * throttled burst takes longer, it does not shrink. It reads its CPU clock (a system call) about
 * once a millisecond of work, not more: a burst of 150 ms makes about 150 calls, so tracing its
 * system calls (the demo does) costs the node little. (It used to read it every 35 us, 3 500 calls
 * a second, whose tracing took enough of a 2-core node's CPU that the demo's burner beside it was
 * no longer judged high risk.)
 *
 * <p>Usage: {@code BurstyCompute [busyMillis] [periodMillis]}
 */
public final class BurstyCompute {
    private BurstyCompute() {}

    private static long sink;

    /** Work between two reads of the CPU clock: about a millisecond on this project's machines. */
    static final long ITERATIONS_PER_CHECK = 500_000;

    public static void main(String[] args) throws InterruptedException {
        long busyNanos = (args.length > 0 ? Long.parseLong(args[0]) : 150) * 1_000_000;
        long period = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        while (true) {
            long wallStart = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            while (threads.getCurrentThreadCpuTime() - cpuStart < busyNanos) {
                spin(ITERATIONS_PER_CHECK);
            }
            long tookMillis = (System.nanoTime() - wallStart) / 1_000_000;
            Thread.sleep(Math.max(0, period - tookMillis));
        }
    }

    private static void spin(long iterations) {
        long x = sink | 1;
        for (long i = 0; i < iterations; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        sink = x;
    }
}
