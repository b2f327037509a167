package io.augur.deploy.workload;

/**
 * Keeps a loop at or below a rate: after each unit of work {@link #spent} sleeps as long as the
 * loop is ahead of {@code perSecond}. Single-threaded.
 */
final class Pace {
    private final double perSecond;
    private final long start = System.nanoTime();
    private double done;

    /** {@code perSecond <= 0} means no limit. */
    Pace(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Records {@code amount} done and sleeps while ahead; false when the stopper interrupted. */
    boolean spent(double amount, Stopper stopper) {
        done += amount;
        if (perSecond <= 0) {
            return stopper.running();
        }
        long dueNanos = (long) (done / perSecond * 1e9);
        long aheadMillis = (dueNanos - (System.nanoTime() - start)) / 1_000_000;
        return stopper.sleep(aheadMillis);
    }
}
