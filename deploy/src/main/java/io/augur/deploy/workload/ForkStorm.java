package io.augur.deploy.workload;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile workload: process creation at a steady rate, {@code perSecond} children a second, up to
 * {@code cap} alive at once, then it holds there (a child that ends is replaced). Each child is
 * {@code sleep holdSeconds}, so even a child orphaned by a SIGKILL ends by itself. Bounded by
 * {@link #HARD_CAP} whatever the arguments; every child is killed on SIGTERM.
 *
 * <p>The task's {@code pids} count is processes and threads: the JVM's own threads (about 15-20),
 * the children, and one JDK "process reaper" thread per live child, so at the cap it is about twice
 * {@code cap}.
 *
 * <p>Usage: {@code ForkStorm [perSecond=20] [cap=200] [holdSeconds=600]}. Stops on SIGTERM.
 */
public final class ForkStorm {
    /** The most children this workload ever keeps alive. */
    public static final int HARD_CAP = 256;

    static final String USAGE =
            "usage: ForkStorm [perSecond=20 (1..1000)] [cap=200 (1.."
                    + HARD_CAP
                    + ")] [holdSeconds=600 (1..86400)]";

    private ForkStorm() {}

    public static void main(String[] args) {
        WorkloadArgs a = new WorkloadArgs(USAGE, args);
        long perSecond = a.number(0, 20, 1, 1000, "perSecond");
        int cap = (int) a.number(1, 200, 1, HARD_CAP, "cap");
        long holdSeconds = a.number(2, 600, 1, 86_400, "holdSeconds");

        List<Process> children = new ArrayList<>();
        Stopper stopper = Stopper.install(() -> killAll(children));
        long gapMillis = Math.max(1, 1000 / perSecond);
        long started = 0;
        System.out.println(
                "forking "
                        + perSecond
                        + "/s up to "
                        + cap
                        + " children (sleep "
                        + holdSeconds
                        + ")");
        try {
            ProcessBuilder child =
                    new ProcessBuilder("sleep", Long.toString(holdSeconds))
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD);
            boolean announced = false;
            while (stopper.running()) {
                synchronized (children) {
                    children.removeIf(p -> !p.isAlive());
                    if (children.size() < cap) {
                        children.add(child.start());
                        started++;
                    } else if (!announced) {
                        System.out.println("cap of " + cap + " children reached; holding");
                        announced = true;
                    }
                }
                if (!stopper.sleep(gapMillis)) {
                    break;
                }
            }
        } catch (IOException e) {
            if (stopper.running()) {
                System.out.println("cannot fork (limit reached?): " + e.getMessage());
                // Hold what exists until stopped.
                while (stopper.sleep(1000)) {
                    // Holding.
                }
            }
        } finally {
            System.out.println("started " + started + " children");
            stopper.left();
        }
    }

    private static void killAll(List<Process> children) {
        synchronized (children) {
            for (Process p : children) {
                p.destroyForcibly();
            }
            for (Process p : children) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            children.clear();
        }
    }
}
