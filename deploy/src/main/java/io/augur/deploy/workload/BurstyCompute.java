package io.augur.deploy.workload;

import java.time.Duration;

/**
 * Benign workload: short bursts of computation separated by idle time (by default 150 ms of work
 * every second, about 0.15 core), with a small, stable heap.
 *
 * <p>Usage: {@code BurstyCompute [busyMillis] [periodMillis]}
 */
public final class BurstyCompute {
    private BurstyCompute() {}

    public static void main(String[] args) throws InterruptedException {
        long busy = args.length > 0 ? Long.parseLong(args[0]) : 150;
        long period = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        long x = 1;
        while (true) {
            long start = System.nanoTime();
            while (System.nanoTime() - start < Duration.ofMillis(busy).toNanos()) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            if (x == 42) {
                System.out.println(x);
            }
            Thread.sleep(Math.max(0, period - busy));
        }
    }
}
