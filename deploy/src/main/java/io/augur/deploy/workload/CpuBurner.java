package io.augur.deploy.workload;

/** Hostile workload: one thread that spins forever and never yields. */
public final class CpuBurner {
    private CpuBurner() {}

    @SuppressWarnings("InfiniteLoopStatement")
    public static void main(String[] args) {
        long x = 0;
        while (true) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            if (x == 42) {
                System.out.println(x); // keeps the loop from being optimised away
            }
        }
    }
}
