package io.augur.deploy.workload;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a workload stops cleanly: SIGTERM (or the end of {@code main}) marks it stopping and
 * interrupts the worker thread; the clean-up (kill children, delete files, close sockets) runs once
 * the worker has left its loop, or after {@link #GRACE_MS} at the latest. Uses nothing but the JDK,
 * like every workload (they run with this module's classes only).
 */
final class Stopper {
    /** The longest the clean-up waits for the worker to leave its loop. */
    static final long GRACE_MS = 5_000;

    private final Thread worker;
    private final CountDownLatch left = new CountDownLatch(1);
    private volatile boolean stopping;

    private Stopper(Thread worker) {
        this.worker = worker;
    }

    /** Installs the SIGTERM hook for the calling (worker) thread; {@code cleanup} runs once. */
    static Stopper install(Runnable cleanup) {
        Stopper s = new Stopper(Thread.currentThread());
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    s.stopping = true;
                                    s.worker.interrupt();
                                    try {
                                        s.left.await(GRACE_MS, TimeUnit.MILLISECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    cleanup.run();
                                },
                                "workload-stop"));
        return s;
    }

    /** False once SIGTERM arrived. */
    boolean running() {
        return !stopping;
    }

    /** The worker calls this (in a finally) when it left its loop. */
    void left() {
        left.countDown();
    }

    /** Sleeps; false when the workload is stopping (the sleep was cut short). */
    boolean sleep(long millis) {
        if (millis <= 0) {
            return running();
        }
        try {
            Thread.sleep(millis);
            return running();
        } catch (InterruptedException e) {
            return false;
        }
    }
}
