package io.augur.deploy.workload;

/**
 * Benign workload: does nothing until stopped (a task waiting for input). Its usage is the idle
 * cost of a JVM: a few of its own threads, near-zero CPU, a small stable heap.
 *
 * <p>Usage: {@code Idle}. Stops on SIGTERM.
 */
public final class Idle {
    private Idle() {}

    public static void main(String[] args) {
        new WorkloadArgs("usage: Idle", args);
        Stopper stopper = Stopper.install(() -> {});
        try {
            while (stopper.sleep(60_000)) {
                // Waiting.
            }
        } finally {
            stopper.left();
        }
    }
}
