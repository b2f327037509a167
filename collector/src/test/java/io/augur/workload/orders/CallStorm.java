package io.augur.workload.orders;

/**
 * Calls one tiny method as fast as it can ({@code args[0]} times, default 200000): with a tiny
 * agent buffer most of the events must be dropped and counted, and the application not slowed to
 * wait for the collector.
 */
public final class CallStorm {
    private static long sum;

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        for (int i = 0; i < calls; i++) {
            tick(i);
        }
        System.out.println("STORM DONE " + sum);
    }

    static void tick(int i) {
        sum += i;
    }
}
