package io.augur.collector.bench;

/**
 * CPU work of a chosen size inside the benchmark's methods; outside the recorded package, so it is
 * not an invocation itself.
 */
public final class Spin {
    private Spin() {}

    /**
     * About {@code iterations} dependent multiply-adds; the result keeps the JIT from skipping it.
     */
    public static long spin(long seed, int iterations) {
        long h = seed;
        for (int i = 0; i < iterations; i++) {
            h = h * 0x9E3779B97F4A7C15L + i;
            h ^= h >>> 29;
        }
        return h;
    }
}
